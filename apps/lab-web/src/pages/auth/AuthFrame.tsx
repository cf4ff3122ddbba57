import type { ReactNode } from 'react';

/** The frame of the pages before sign-in: the product's name and one card. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <p className="auth-brand">POLYMORPH-LITE</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
