import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { QuotaInfo } from '@ddx/contracts';

import { SocketLike } from './resumable-upload';
import { UploadQueue, WEB_SOCKET_FACTORY } from './upload-queue.service';

const GiB = 1024 ** 3;
const quota = (over: Partial<QuotaInfo> = {}): QuotaInfo => ({
  scope: 'anonymous',
  max_file_size_bytes: 2 * GiB,
  daily_limit_bytes: 2 * GiB,
  daily_used_bytes: 0,
  daily_remaining_bytes: 2 * GiB,
  storage_quota_bytes: null,
  storage_used_bytes: null,
  storage_remaining_bytes: null,
  resets_at: '2030-01-02T00:00:00.000Z',
  ...over,
});
const file = (name: string, size: number) => {
  const f = new File(['x'], name, { type: 'application/pdf' });
  Object.defineProperty(f, 'size', { value: size });
  return f;
};

describe('UploadQueue', () => {
  function setup() {
    const opened: string[] = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: WEB_SOCKET_FACTORY,
          useValue: (url: string) => {
            opened.push(url);
            return { binaryType: 'blob', readyState: 0, onmessage: null, onclose: null, onerror: null, send: () => undefined, close: () => undefined } as SocketLike;
          },
        },
      ],
    });
    return { queue: TestBed.inject(UploadQueue), http: TestBed.inject(HttpTestingController), opened };
  }

  it('checks the limits the server will apply before asking it', () => {
    const { queue } = setup();
    queue.quota.set(quota({ daily_remaining_bytes: 1 * GiB, storage_remaining_bytes: 100, storage_quota_bytes: 5 * GiB, storage_used_bytes: 0 }));
    expect(queue.check([file('a.pdf', 10)])).toEqual([]);
    const problems = queue.check([file('big.iso', 3 * GiB), file('b', 1), file('c', 1), file('d', 1), file('e', 1), file('f', 1)]);
    expect(problems).toEqual([
      'You can send up to 5 files at once; you chose 6.',
      'big.iso is 3 GiB, larger than the 2 GiB limit per file.',
      "These files total 3 GiB, but 1 GiB of today's 2 GiB allowance is left. It resets at midnight UTC.",
      'Not enough storage space: 100 bytes of your quota is left.',
    ]);
  });

  it('one file: initiates it and opens the socket with a ticket taken with its upload token (never the token in the URL)', async () => {
    const { queue, http, opened } = setup();
    const started = queue.start([file('a.pdf', 10)]);
    const req = http.expectOne('/api/v1/upload/initiate');
    expect(req.request.body).toEqual({ filename: 'a.pdf', size: 10, content_type: 'application/pdf' });
    req.flush({
      file_id: '11111111-1111-4111-8111-111111111111',
      upload_url: '/ws_api/upload/11111111-1111-4111-8111-111111111111',
      upload_token: 'tok/+=',
      chunk_size: 4194304,
      expires_at: '2030-01-01T00:00:00.000Z',
      filename: 'a.pdf',
    });
    await expect(started).resolves.toBe(true);
    const ticket = http.expectOne('/api/v1/upload/11111111-1111-4111-8111-111111111111/ticket');
    expect(ticket.request.method).toBe('POST');
    expect(ticket.request.headers.get('X-Upload-Token')).toBe('tok/+=');
    ticket.flush({ ticket: 'tk/+', expires_in: 30 });
    await new Promise((r) => setTimeout(r, 0));
    expect(opened).toEqual(['ws://localhost/ws_api/upload/11111111-1111-4111-8111-111111111111?ticket=tk%2F%2B']);
    expect(opened.join()).not.toContain('tok');
    expect(queue.transfer()?.kind).toBe('single');
  });

  it('a ticket refused for good (banned account) ends the upload with the API message and opens no socket', async () => {
    const { queue, http, opened } = setup();
    const started = queue.start([file('a.pdf', 10)]);
    http.expectOne('/api/v1/upload/initiate').flush({
      file_id: '22222222-2222-4222-8222-222222222222',
      upload_url: '/ws_api/upload/22222222-2222-4222-8222-222222222222',
      upload_token: 'tok',
      chunk_size: 4194304,
      expires_at: '2030-01-01T00:00:00.000Z',
      filename: 'a.pdf',
    });
    await expect(started).resolves.toBe(true);
    http
      .expectOne('/api/v1/upload/22222222-2222-4222-8222-222222222222/ticket')
      .flush({ statusCode: 403, error: 'ACCOUNT_BANNED', message: 'This account has been banned.' }, { status: 403, statusText: 'Forbidden' });
    const state = await queue.transfer()?.items[0]?.upload.done;
    expect(state).toMatchObject({ phase: 'failed', errorCode: 'ACCOUNT_BANNED', message: 'This account has been banned.' });
    expect(opened).toEqual([]);
  });

  it('several files: one batch; refusals are shown in the API words', async () => {
    const { queue, http } = setup();
    const started = queue.start([file('a.pdf', 10), file('b.exe', 10)]);
    const req = http.expectOne('/api/v1/batch/initiate');
    expect(req.request.body.files).toHaveLength(2);
    req.flush({ statusCode: 400, error: 'TYPE_BLOCKED', message: 'Files of type .exe are not allowed for security reasons.' }, { status: 400, statusText: 'Bad Request' });
    await expect(started).resolves.toBe(false);
    expect(queue.startError()).toBe('Files of type .exe are not allowed for security reasons.');
    expect(queue.transfer()).toBeNull();
  });
});
