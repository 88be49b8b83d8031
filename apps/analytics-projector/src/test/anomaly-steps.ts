import { AnalyticsClock } from '@ecom/analytics-read-models';
import { TestService } from '@ecom/testing';
import { ProjectorSchedules } from '../runner/projector-schedules';
import { cst } from './event-factory';

/** Runs the schedule's anomaly evaluation with the clock at each step (Asia/Shanghai wall times); returns what each run did. */
export async function evaluateSteps(service: TestService, steps: readonly string[]) {
  const results = [];
  for (const step of steps) {
    service.app.get(AnalyticsClock).set(cst(step));
    results.push(await service.app.get(ProjectorSchedules).evaluateAnomalies());
  }
  return results;
}
