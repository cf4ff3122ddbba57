import { Link } from '@tanstack/react-router';

const withPages = new Set([
  'sample',
  'run',
  'user',
  'device',
  'calibration',
  'inventory_item',
  'inventory_lot',
]);

/** Whether the UI has a page for records of this type (RecordLink links there). */
export function hasRecordPage(type: string): boolean {
  return withPages.has(type);
}

/**
 * A record named in the trail or a signature, linked to its page when the UI has one for that type
 * (a workflow version needs its workflow's name and number: see WorkflowVersionLink).
 */
export function RecordLink({ type, id, label }: { type: string; id: string; label?: string }) {
  const text = label ?? id;
  switch (type) {
    case 'sample':
      return (
        <Link to="/samples/$sampleId" params={{ sampleId: id }}>
          {text}
        </Link>
      );
    case 'run':
      return (
        <Link to="/runs/$runId" params={{ runId: id }}>
          {text}
        </Link>
      );
    case 'user':
      return (
        <Link to="/admin/users/$userId" params={{ userId: id }}>
          {text}
        </Link>
      );
    case 'device':
      return (
        <Link to="/instruments/$deviceId" params={{ deviceId: id }}>
          {text}
        </Link>
      );
    case 'calibration':
      return (
        <Link to="/instruments/calibrations/$calibrationId" params={{ calibrationId: id }}>
          {text}
        </Link>
      );
    case 'inventory_item':
      return (
        <Link to="/inventory/items/$itemId" params={{ itemId: id }}>
          {text}
        </Link>
      );
    case 'inventory_lot':
      return (
        <Link to="/inventory/lots/$lotId" params={{ lotId: id }}>
          {text}
        </Link>
      );
    default:
      return <span>{text}</span>;
  }
}
