import type { PresenceStatus } from '@fieldline/client';

/** Colours pass WCAG AA against white (text) and read apart on the map. */
export const PRESENCE: Record<PresenceStatus, { label: string; colour: string }> = {
  online: { label: 'Online', colour: '#1a7f37' },
  on_visit: { label: 'On visit', colour: '#0a58ca' },
  idle: { label: 'Idle', colour: '#9a5b00' },
  offline: { label: 'Offline', colour: '#6b7280' },
};

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
