import { appNameOf, FALLBACK_SERVICE_NAME, readTracingSettings } from './tracing-settings';

const ENTRY = '/app/dist/apps/orders/src/main.js';

describe('tracing settings (the on/off switch)', () => {
  it('is off when nothing asks for it', () => {
    expect(readTracingSettings({}, ENTRY)).toEqual({
      enabled: false,
      reason: 'no OTEL_TRACES_EXPORTER and no OTLP endpoint',
    });
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, ENTRY).enabled).toBe(false);
    // Variables of other signals do not turn traces on.
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318' }, ENTRY).enabled).toBe(
      false,
    );
  });

  it('is on with an OTLP endpoint, for traces or for every signal', () => {
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, ENTRY)).toEqual({
      enabled: true,
      serviceName: 'orders',
      exporters: ['otlp'],
    });
    expect(
      readTracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, ENTRY),
    ).toMatchObject({ enabled: true, exporters: ['otlp'] });
  });

  it('is on with an exporter named in OTEL_TRACES_EXPORTER, endpoint or not', () => {
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'console' }, ENTRY)).toMatchObject({
      enabled: true,
      exporters: ['console'],
    });
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: ' OTLP , console' }, ENTRY)).toMatchObject({
      enabled: true,
      exporters: ['otlp', 'console'],
    });
  });

  it('is off when an exporter list names nothing this build has, with the reason', () => {
    const settings = readTracingSettings(
      { OTEL_TRACES_EXPORTER: 'jaeger', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      ENTRY,
    );
    expect(settings.enabled).toBe(false);
    expect(settings).toMatchObject({ reason: expect.stringContaining('jaeger') });
  });

  it('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off whatever else is set', () => {
    const asked = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(readTracingSettings({ ...asked, OTEL_SDK_DISABLED: 'TRUE' }, ENTRY)).toEqual({
      enabled: false,
      reason: 'OTEL_SDK_DISABLED=true',
    });
    expect(readTracingSettings({ ...asked, OTEL_SDK_DISABLED: 'false' }, ENTRY).enabled).toBe(true);
    expect(readTracingSettings({ ...asked, OTEL_TRACES_EXPORTER: 'otlp,none' }, ENTRY)).toEqual({
      enabled: false,
      reason: 'OTEL_TRACES_EXPORTER=none',
    });
  });

  it('names the service from OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then the app', () => {
    const on = { OTEL_TRACES_EXPORTER: 'console' };
    expect(readTracingSettings({ ...on, OTEL_SERVICE_NAME: 'orders-eu' }, ENTRY)).toMatchObject({
      serviceName: 'orders-eu',
    });
    expect(
      readTracingSettings(
        { ...on, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=orders%2Dcn' },
        ENTRY,
      ),
    ).toMatchObject({ serviceName: 'orders-cn' });
    expect(readTracingSettings(on, 'apps/analytics-projector/src/main.ts')).toMatchObject({
      serviceName: 'analytics-projector',
    });
    expect(readTracingSettings(on, '/usr/bin/some-script.js')).toMatchObject({
      serviceName: FALLBACK_SERVICE_NAME,
    });
  });

  it('finds the app of compiled and source entry points only', () => {
    expect(appNameOf('/app/dist/apps/inventory/src/main.js')).toBe('inventory');
    expect(appNameOf('C:\\work\\apps\\members\\src\\main.ts')).toBe('members');
    expect(appNameOf('/app/dist/apps/orders/src/migrate.js')).toBeUndefined();
    expect(appNameOf(undefined)).toBeUndefined();
  });
});
