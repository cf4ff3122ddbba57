import { useEffect, useRef, useState } from 'react';
import { Button } from '../components/Button.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { signOut } from './session-store.ts';
import { useUiSettings } from './ui-settings.ts';

/** Deliberate actions only: a pointer resting on the screen is not someone at the bench. */
const activityEvents = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

function minutesText(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * Signs the person out after the lab's inactivity limit (LAB_UI_IDLE_MINUTES, 15 by default), with a
 * warning dialog shortly before that counts down and lets them stay. Part 11 expects an unattended
 * session not to stay usable by whoever walks up to the bench.
 */
export function IdleSignOut() {
  const settings = useUiSettings();
  const lastActivity = useRef(Date.now());
  const [secondsLeft, setSecondsLeft] = useState<number | undefined>(undefined);
  const timeout = settings.data?.idle_timeout_s ?? 900;
  const warning = settings.data?.idle_warning_s ?? 60;

  useEffect(() => {
    const touch = () => {
      lastActivity.current = Date.now();
    };
    for (const name of activityEvents) window.addEventListener(name, touch, { passive: true, capture: true });
    const timer = setInterval(() => {
      const idle = (Date.now() - lastActivity.current) / 1000;
      if (idle >= timeout) {
        void signOut(`You were signed out after ${minutesText(timeout)} without activity.`);
      } else if (idle >= timeout - warning) {
        setSecondsLeft(Math.ceil(timeout - idle));
      } else {
        setSecondsLeft(undefined);
      }
    }, 1000);
    return () => {
      clearInterval(timer);
      for (const name of activityEvents) window.removeEventListener(name, touch, { capture: true });
    };
  }, [timeout, warning]);

  const stay = () => {
    lastActivity.current = Date.now();
    setSecondsLeft(undefined);
  };
  return (
    <Dialog
      title="Are you still there?"
      isOpen={secondsLeft !== undefined}
      onOpenChange={(open) => !open && stay()}
      isModal
    >
      <p aria-live="polite">
        For the lab's records, you will be signed out in {secondsLeft ?? 0} seconds without activity.
      </p>
      <div className="dialog-actions">
        <Button variant="secondary" onPress={() => void signOut('You signed out.')}>
          Sign out now
        </Button>
        <Button variant="primary" onPress={stay} autoFocus>
          Stay signed in
        </Button>
      </div>
    </Dialog>
  );
}
