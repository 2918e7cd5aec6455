import { AdminNotification } from '@ddx/contracts';

import { needsFollowing } from './admin-notifications.page';

const n = (status: AdminNotification['status'], scheduled_at: string | null = null) => ({ status, scheduled_at }) as AdminNotification;

describe('needsFollowing', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');

  it('follows a notification being sent, or one due within a minute', () => {
    expect(needsFollowing([n('sent'), n('sending')], now)).toBe(true);
    expect(needsFollowing([n('scheduled', '2026-11-28T12:00:30Z')], now)).toBe(true);
    expect(needsFollowing([n('scheduled', '2026-11-28T11:59:00Z')], now)).toBe(true);
  });

  it('leaves settled and far-off notifications alone', () => {
    expect(needsFollowing([n('sent'), n('cancelled'), n('failed'), n('draft')], now)).toBe(false);
    expect(needsFollowing([n('scheduled', '2026-11-28T13:00:00Z')], now)).toBe(false);
    expect(needsFollowing([], now)).toBe(false);
  });
});
