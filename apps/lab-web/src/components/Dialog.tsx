import type { ReactNode } from 'react';
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

export interface DialogProps {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
  /** A dialog that must be answered (no dismissal by Escape or a click outside). */
  isModal?: boolean;
  wide?: boolean;
}

/** A modal dialog: focus trapped and restored, Escape closes, labelled by its title. */
export function Dialog({ title, isOpen, onOpenChange, children, isModal, wide }: DialogProps) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      isDismissable={!isModal}
      isKeyboardDismissDisabled={isModal}
    >
      <Modal className={`modal${wide ? ' modal-wide' : ''}`}>
        <AriaDialog className="dialog" role={isModal ? 'alertdialog' : 'dialog'}>
          <Heading slot="title" level={2} className="dialog-title">
            {title}
          </Heading>
          {children}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}
