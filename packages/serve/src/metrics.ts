import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunObserver } from './runs.js';

/** The server's Prometheus metrics, on its own registry (GET /metrics). */
export function serveMetrics(running: () => number) {
  const registry = new Registry();
  const runs = new Counter({
    name: 'slipway_serve_runs_total',
    help: 'runs by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'slipway_serve_run_duration_seconds',
    help: 'run duration by result',
    labelNames: ['result'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  new Gauge({
    name: 'slipway_serve_runs_running',
    help: 'runs running in this process',
    registers: [registry],
    collect() {
      this.set(running());
    },
  });
  const webhooks = new Counter({
    name: 'slipway_serve_webhook_deliveries_total',
    help: 'webhook deliveries by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const notificationFailures = new Counter({
    name: 'slipway_serve_notification_failures_total',
    help: 'notifications that could not be delivered',
    labelNames: ['channel'],
    registers: [registry],
  });
  const observer: RunObserver = {
    finished(run) {
      runs.inc({ result: run.state });
      if (run.finishedAt)
        duration.observe({ result: run.state }, (Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000);
    },
  };
  return { registry, observer, webhooks, notificationFailures };
}

export type ServeMetrics = ReturnType<typeof serveMetrics>;
