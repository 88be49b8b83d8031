export { EventFactory, publishEvents, topicOf } from '@ecom/testing';

/** An instant given as Asia/Shanghai wall time 'YYYY-MM-DD HH:mm[:ss]', as an ISO string in UTC. */
export function cst(wall: string): string {
  const [date, time] = wall.split(' ');
  const [hh, mm, ss = '00'] = time.split(':');
  return new Date(`${date}T${hh.padStart(2, '0')}:${mm}:${ss}.000+08:00`).toISOString();
}
