import { LiveEventsPublisher } from '@ddx/server-queue';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** Tells admin dashboards, every few seconds, that this worker lives and what it uses. */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private lastCpu = process.cpuUsage();
  private lastAt = Date.now();

  constructor(private readonly events: LiveEventsPublisher) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.beat(), 5000);
    this.timer.unref();
    this.beat();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = Math.max(1, Date.now() - this.lastAt);
    this.lastCpu = process.cpuUsage();
    this.lastAt = Date.now();
    const mem = process.memoryUsage();
    this.events.publish({
      type: 'worker.heartbeat',
      pid: process.pid,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10,
    });
  }
}
