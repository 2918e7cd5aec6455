import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { ResumableUpload, UploadState } from '../../services/resumable-upload';
import { UploadItem } from '../../services/upload-queue.service';
import { UploadRowComponent } from './upload-row.component';

const MiB = 1024 * 1024;

const uploading = (patch: Partial<UploadState>): UploadState => ({
  phase: 'uploading',
  committed: 0,
  received: 0,
  size: 100 * MiB,
  percent: 0,
  bytesPerSecond: null,
  secondsLeft: null,
  message: null,
  errorCode: null,
  canRetry: false,
  resumedFrom: null,
  ...patch,
});

@Component({
  standalone: true,
  imports: [UploadRowComponent],
  template: `<app-upload-row [item]="item" />`,
})
class HostComponent {
  readonly state = signal(uploading({}));
  readonly item: UploadItem = {
    fileId: 'f1',
    filename: 'film.mkv',
    upload: { state: this.state.asReadonly(), retryNow: () => undefined, cancel: () => Promise.resolve() } as unknown as ResumableUpload,
  };
}

function setup(state: UploadState) {
  TestBed.configureTestingModule({ imports: [HostComponent] });
  const fixture = TestBed.createComponent(HostComponent);
  fixture.componentInstance.state.set(state);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const status = () => el.querySelector('[data-testid="upload-status"]')?.textContent?.trim();
  return { fixture, status };
}

describe('UploadRowComponent', () => {
  it('counts the bytes the server has received, not the coarser bytes Drive has stored', () => {
    const { status } = setup(uploading({ committed: 0, received: 10 * MiB, percent: 10, bytesPerSecond: 2 * MiB, secondsLeft: 45 }));
    expect(status()).toBe('10 MiB of 100 MiB (10 %) · 2 MiB/s · 45 s left');
  });

  it('says it is finishing once every byte is received, while Drive has not stored them all yet', () => {
    const { fixture, status } = setup(uploading({ committed: 64 * MiB, received: 99 * MiB, percent: 99, secondsLeft: 1 }));
    expect(status()).toBe('99 MiB of 100 MiB (99 %) · 1 s left');

    fixture.componentInstance.state.set(uploading({ committed: 64 * MiB, received: 100 * MiB, percent: 100, secondsLeft: 0 }));
    fixture.detectChanges();
    expect(status()).toBe('100 MiB of 100 MiB (100 %) · finishing…');
  });

  it('steps back with received after a rewind, even though Drive still holds more', () => {
    const { status } = setup(uploading({ committed: 64 * MiB, received: 40 * MiB, percent: 40, message: 'Connection restored — resumed at 40 %.' }));
    expect(status()).toBe('Connection restored — resumed at 40 %. 40 MiB of 100 MiB (40 %)');
  });
});
