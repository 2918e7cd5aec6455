import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, discardPeriodicTasks, fakeAsync, TestBed, tick } from '@angular/core/testing';
import { UserNotification, UserNotificationList } from '@ddx/contracts';

import { UserSession } from '../../core/user-session';
import { NOTIFICATION_POLL_MS, NotificationBellComponent } from './notification-bell.component';

const LIST_URL = '/api/v1/notifications?page=1&limit=10';
const n = (id: string, title: string, body: string, read = false): UserNotification => ({
  id,
  title,
  body,
  delivered_at: '2024-05-01T10:00:00.000Z',
  read_at: read ? '2024-05-01T11:00:00.000Z' : null,
});
const page = (items: UserNotification[], unread: number): UserNotificationList => ({ items, unread_count: unread, total: items.length, page: 1, limit: 10, total_pages: 1 });

describe('NotificationBellComponent', () => {
  let fixture: ComponentFixture<NotificationBellComponent>;
  let http: HttpTestingController;
  let session: UserSession;
  const el = () => fixture.nativeElement as HTMLElement;
  const q = (testid: string) => el().querySelector(`[data-testid="${testid}"]`) as HTMLElement | null;
  const list = (): TestRequest => http.expectOne((r) => r.urlWithParams === LIST_URL && r.method === 'GET');

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ imports: [NotificationBellComponent], providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    session = TestBed.inject(UserSession);
  });

  afterEach(() => {
    http.verify();
    localStorage.clear();
  });

  it('renders nothing and asks nothing when signed out', fakeAsync(() => {
    fixture = TestBed.createComponent(NotificationBellComponent);
    fixture.detectChanges();
    tick(NOTIFICATION_POLL_MS * 2);
    expect(q('notification-bell')).toBeNull();
    http.expectNone(() => true);
  }));

  it('shows the unread count, lists notifications as text, marks one and then all read', fakeAsync(() => {
    session.set('test-token');
    fixture = TestBed.createComponent(NotificationBellComponent);
    fixture.detectChanges();
    tick();
    const items = [n('a', 'Maintenance', 'Tonight <b>22:00</b>'), n('b', 'Welcome', 'Hello'), n('c', 'Old', 'Seen', true)];
    list().flush(page(items, 2));
    fixture.detectChanges();
    expect(q('notification-count')?.textContent?.trim()).toBe('2');
    expect(q('notification-bell')?.getAttribute('aria-label')).toBe('Notifications, 2 unread');
    expect(q('notification-panel')).toBeNull();

    q('notification-bell')?.click();
    fixture.detectChanges();
    list().flush(page(items, 2));
    fixture.detectChanges();
    const panel = q('notification-panel');
    expect(panel).not.toBeNull();
    // Plain text: markup in a body is shown, never interpreted.
    expect(q('notification-a')?.textContent).toContain('Tonight <b>22:00</b>');
    expect(q('notification-a')?.querySelector('b')).toBeNull();
    expect(el().querySelectorAll('[data-testid="notification-mark-read"]')).toHaveLength(2);

    (q('notification-a')?.querySelector('[data-testid="notification-mark-read"]') as HTMLElement).click();
    const read = http.expectOne('/api/v1/notifications/a/read');
    expect(read.request.method).toBe('POST');
    read.flush({ updated: 1, unread_count: 1 });
    fixture.detectChanges();
    expect(q('notification-count')?.textContent?.trim()).toBe('1');
    expect(q('notification-a')?.querySelector('[data-testid="notification-mark-read"]')).toBeNull();

    q('notification-read-all')?.click();
    const all = http.expectOne('/api/v1/notifications/read-all');
    expect(all.request.method).toBe('POST');
    all.flush({ updated: 1, unread_count: 0 });
    fixture.detectChanges();
    expect(q('notification-count')).toBeNull();
    expect(el().querySelectorAll('[data-testid="notification-mark-read"]')).toHaveLength(0);
    expect((q('notification-read-all') as HTMLButtonElement).disabled).toBe(true);

    // Escape closes the panel.
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    fixture.detectChanges();
    expect(q('notification-panel')).toBeNull();
    discardPeriodicTasks();
  }));

  it('polls every minute while signed in and stops when signed out', fakeAsync(() => {
    session.set('test-token');
    fixture = TestBed.createComponent(NotificationBellComponent);
    fixture.detectChanges();
    tick();
    list().flush(page([], 0));
    fixture.detectChanges();
    expect(q('notification-count')).toBeNull();

    tick(NOTIFICATION_POLL_MS);
    list().flush(page([n('x', 'New', 'Hi')], 1));
    fixture.detectChanges();
    expect(q('notification-count')?.textContent?.trim()).toBe('1');

    session.clear();
    fixture.detectChanges();
    tick(NOTIFICATION_POLL_MS * 3);
    http.expectNone(() => true);
    expect(q('notification-bell')).toBeNull();
  }));

  it('shows 99+ for large counts and a message when the list cannot be loaded', fakeAsync(() => {
    session.set('test-token');
    fixture = TestBed.createComponent(NotificationBellComponent);
    fixture.detectChanges();
    tick();
    list().flush(page([], 250));
    fixture.detectChanges();
    expect(q('notification-count')?.textContent?.trim()).toBe('99+');
    q('notification-bell')?.click();
    fixture.detectChanges();
    list().flush({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'down' }, { status: 503, statusText: 'Service Unavailable' });
    fixture.detectChanges();
    expect(q('notification-panel')?.textContent).toContain('Notifications could not be loaded.');
    discardPeriodicTasks();
  }));
});
