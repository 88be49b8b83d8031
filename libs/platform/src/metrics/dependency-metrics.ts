import { Gauge, register } from 'prom-client';
import type { DependencyProbe } from '../health/dependency-probe';

/** The dependency probes of this process's services, read at every scrape. */
const probes = new Map<DependencyProbe, string>();

function ensureDependencyGauge(): void {
  const name = 'dependency_up';
  if (register.getSingleMetric(name)) return;
  new Gauge({
    name,
    help:
      'A dependency answered its last check (1) or not (0). Only the database takes a pod out of ' +
      'its Service; kafka and redis at 0 mean degraded (events wait in the outbox; requests that ' +
      'need Redis answer 503)',
    labelNames: ['service', 'dependency'],
    // The probes' cached outcomes (a stale one is refreshed, once, whoever asks): a scrape never
    // asks a dependency more often than readiness probes already do.
    async collect() {
      const outcomes = await Promise.all(
        [...probes].map(async ([probe, service]) => ({ probe, service, up: (await probe.current()).up })),
      );
      this.reset();
      for (const { probe, service, up } of outcomes) {
        this.set({ service, dependency: probe.name }, up ? 1 : 0);
      }
    },
  });
}

/** Reports the probe as dependency_up{service, dependency} on /metrics; returns how to stop. */
export function reportDependency(service: string, probe: DependencyProbe): () => void {
  ensureDependencyGauge();
  probes.set(probe, service);
  return () => probes.delete(probe);
}
