import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { UiButtonDirective, UiCardComponent, UiPageComponent } from '@ddx/ui';

const STEPS = [
  {
    title: 'Choose your files',
    text: 'Drop one file, or up to five at once, on the home page. No account is needed; with one you get a larger allowance and a list of your files.',
  },
  {
    title: 'They stream straight to storage',
    text: 'Your browser sends the file in 4 MiB pieces over a WebSocket. Each piece goes on to cloud storage as it arrives — the server never holds the whole file.',
  },
  {
    title: 'Share one link',
    text: 'When the last byte is stored and its checksum verified, you get a link. Several files share one link, with a ZIP of all of them.',
  },
  {
    title: 'Anyone with the link downloads',
    text: 'The link opens a page with the name and size, a preview for images, video, audio, PDF and text, and a download button. Downloads can be resumed.',
  },
];

const FAQ = [
  {
    q: 'How big can my files be?',
    a: 'By default up to 2 GiB per file and per day without an account, and 5 GiB with one. The administrator of this installation can change these limits; the upload box on the home page always shows the ones that apply to you.',
  },
  {
    q: 'What if my connection drops during an upload?',
    a: 'Keep the page open. The upload reconnects by itself, asks the server how much was stored, and continues from there. Nothing already stored is sent twice.',
  },
  {
    q: 'How long are files kept?',
    a: 'Until their owner deletes them from the dashboard or an administrator removes them. Uploads that never finish are discarded after a day.',
  },
  {
    q: 'Who can download my file?',
    a: 'Anyone who has the link. Links contain a long random identifier that cannot be guessed, but treat them like the file itself: share them only with the people who should have it.',
  },
  {
    q: 'Can I delete a file I uploaded?',
    a: 'Yes, if you were signed in when you uploaded it: open “My files”, and choose Delete. The link stops working at once.',
  },
  {
    q: 'Is there an API?',
    a: 'Yes. Everything the web app does goes through a documented REST and WebSocket API.',
  },
];

@Component({
  standalone: true,
  selector: 'app-how-it-works-page',
  imports: [RouterLink, UiButtonDirective, UiCardComponent, UiPageComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="How it works" subtitle="From your device to a link anyone can download from — and what happens to your file on the way.">
      <ol class="grid gap-4 sm:grid-cols-2" aria-label="Steps">
        @for (step of steps; track step.title; let i = $index) {
          <li class="flex gap-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-ink-200">
            <span class="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-brand-600 font-semibold text-white" aria-hidden="true">{{ i + 1 }}</span>
            <div>
              <h2 class="font-semibold text-ink-900">{{ step.title }}</h2>
              <p class="mt-1 text-sm text-ink-600">{{ step.text }}</p>
            </div>
          </li>
        }
      </ol>

      <ui-card heading="What happens to your file">
        <div class="grid gap-6 text-sm text-ink-700 md:grid-cols-3">
          <div>
            <h3 class="font-semibold text-ink-900">Stored in Google Drive</h3>
            <p class="mt-1">
              Files live in a pool of Google Drive accounts run by this installation. Each upload is a resumable Drive session, so a dropped connection — on your side or
              ours — never loses what was already stored. The file's checksum is compared with what Drive stored before the upload counts as complete.
            </p>
          </div>
          <div>
            <h3 class="font-semibold text-ink-900">Copied to a backup server</h3>
            <p class="mt-1">
              After the upload, a background worker copies the file to a separate storage server over WebDAV (a Hetzner Storage Box). If Drive cannot serve a
              file, downloads come from that copy instead.
            </p>
          </div>
          <div>
            <h3 class="font-semibold text-ink-900">Served from where it is</h3>
            <p class="mt-1">
              Downloads and previews stream from storage through the server, with support for resuming and for seeking in videos. Several files of one upload
              can be downloaded together as a ZIP.
            </p>
          </div>
        </div>
      </ui-card>

      <ui-card heading="Security">
        <ul class="grid gap-3 text-sm text-ink-700 sm:grid-cols-2">
          <li><strong class="text-ink-900">Private by default.</strong> The download page shows the file's name, size and type — never who uploaded it, from where, or where it is stored.</li>
          <li><strong class="text-ink-900">Single-purpose upload tokens.</strong> Each upload gets its own token; only its holder can send bytes to it or cancel it.</li>
          <li><strong class="text-ink-900">Dangerous types blocked.</strong> The administrator decides which file types are refused (executables, for example).</li>
          <li><strong class="text-ink-900">Accounts done carefully.</strong> Passwords are stored as scrypt hashes, sign-in attempts are rate-limited, and signing out ends every session.</li>
        </ul>
      </ui-card>

      <section id="faq" aria-labelledby="faq-heading" class="scroll-mt-8">
        <h2 id="faq-heading" class="mb-4 text-xl font-bold text-ink-900">Frequently asked questions</h2>
        <div class="divide-y divide-ink-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-ink-200">
          @for (item of faq; track item.q) {
            <details class="group px-5 py-4">
              <summary class="flex cursor-pointer list-none items-center justify-between gap-4 rounded font-medium text-ink-900">
                {{ item.q }}
                <span class="text-ink-400 transition-transform group-open:rotate-45" aria-hidden="true">+</span>
              </summary>
              <p class="mt-2 text-sm text-ink-600">
                {{ item.a }}
                @if (item.q === 'Is there an API?') {
                  <a href="/api/docs" class="font-medium text-brand-700 hover:underline">Read the API documentation</a>.
                }
              </p>
            </details>
          }
        </div>
      </section>

      <div class="rounded-2xl bg-brand-600 px-6 py-8 text-center text-white">
        <h2 class="text-xl font-bold">Ready to send something?</h2>
        <p class="mt-1 text-brand-100">No account needed.</p>
        <a uiButton variant="secondary" routerLink="/" class="mt-4">Upload a file</a>
      </div>
    </ui-page>
  `,
})
export class HowItWorksPage {
  protected readonly steps = STEPS;
  protected readonly faq = FAQ;
}
