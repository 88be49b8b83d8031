import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

/**
 * Every overlay under k8s/overlays, rendered with `kubectl kustomize` and checked offline (no
 * cluster): each object against the JSON schema of its kind (Kubernetes 1.27, KEDA and the
 * Prometheus operator, vendored from npm packages by schemas/vendor-schemas.ts) with unknown fields
 * refused as a strict API server would; then what an operator relies on: the Ingress routes every
 * REST prefix of docs/contract.md section 5 and nothing else, metrics stay off every Service the
 * Ingress reaches, the migration Jobs and the rebuild template run compiled entry points that exist,
 * every Deployment is probed, sized and covered by a PodDisruptionBudget, the alert rules, the KEDA
 * trigger and the dashboard query metrics the apps define, and images come from a registry the
 * project names.
 */

const ROOT = join(__dirname, '..', '..', '..', '..');
const K8S = join(ROOT, 'k8s');
const OVERLAYS = readdirSync(join(K8S, 'overlays')).sort();
const APPS = ['catalog', 'orders', 'inventory', 'members', 'analytics', 'analytics-projector'];
/** One migration Job per database: analytics-projector shares analytics' database and migrations. */
const MIGRATED = ['catalog', 'orders', 'inventory', 'members', 'analytics'];

type Labels = Record<string, string>;
/* eslint-disable @typescript-eslint/no-explicit-any */
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Labels };
  spec?: any;
  data?: Record<string, string>;
};
/* eslint-enable @typescript-eslint/no-explicit-any */
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  startupProbe?: unknown;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Labels; limits?: Labels };
}

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function render(overlay: string): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as K8sObject)
    .filter(Boolean);
}

// ---- schemas ---------------------------------------------------------------------------------

interface Vendored {
  packages: Record<string, string>;
  kinds: Record<string, string>;
  schemas: Record<string, Record<string, unknown>>;
}

/**
 * kubeconform's strict mode: an object schema that lists its properties accepts no others, unless
 * it says otherwise (additionalProperties, x-kubernetes-preserve-unknown-fields). A misspelt field
 * (readinesProbe) fails here as `kubectl apply` would refuse it with strict field validation.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // property names and enum values are data, not schemas
    if (key === 'properties' && value && typeof value === 'object') {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strict(sub)]));
    } else if (key === 'enum' || key === 'required') {
      copy[key] = value;
    } else {
      copy[key] = strict(value);
    }
  }
  if (
    copy.properties &&
    copy.additionalProperties === undefined &&
    !copy['x-kubernetes-preserve-unknown-fields']
  ) {
    copy.additionalProperties = false;
  }
  return copy;
}

function schemaValidators(): { vendored: Vendored; validatorOf(object: K8sObject): ValidateFunction } {
  const vendored = JSON.parse(
    readFileSync(join(__dirname, 'schemas', 'kubernetes-schemas.json'), 'utf8'),
  ) as Vendored;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // the OpenAPI formats Kubernetes uses (as kubernetes-models registers them)
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat('quantity', /^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/);
  for (const [id, schema] of Object.entries(vendored.schemas)) {
    ajv.addSchema(strict(schema) as object, id);
  }
  return {
    vendored,
    validatorOf: (object) => {
      const id = vendored.kinds[`${object.apiVersion}/${object.kind}`];
      if (!id) throw new Error(`no vendored schema for ${object.apiVersion} ${object.kind}`);
      return ajv.getSchema(id)!;
    },
  };
}

function schemaErrors(validate: ValidateFunction, object: unknown): string[] {
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
  );
}

// ---- the contract and the sources --------------------------------------------------------------

/** docs/contract.md section 5: the /v1/<resource> prefixes (and /dashboard) of each service. */
function contractPrefixes(): Map<string, string> {
  const contract = readFileSync(join(ROOT, 'docs', 'contract.md'), 'utf8');
  const section = contract.slice(contract.indexOf('## 5.'), contract.indexOf('## 6.'));
  const owners = new Map<string, string>();
  // a service's block runs from its bold heading to the next one or the next ### subsection
  const blocks = section.split(/^(?=\*\*[a-z-]+\*\* \(\d+|### )/m);
  for (const block of blocks) {
    const service = /^\*\*([a-z-]+)\*\* \(\d+/.exec(block)?.[1];
    if (!service) continue;
    for (const [, prefix] of block.matchAll(/(\/v1\/[a-z-]+)/g)) {
      if (owners.has(prefix) && owners.get(prefix) !== service)
        throw new Error(`${prefix} listed under ${owners.get(prefix)} and ${service}`);
      owners.set(prefix, service);
    }
    for (const [, path] of block.matchAll(/`GET (\/[a-z-]+)`/g)) owners.set(path, service);
  }
  return owners;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dashboard') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.(spec|int-spec)\.ts$/.test(name) ? [path] : [];
  });
}

/** Metric names the apps register with prom-client (name: '...' or a helper's first argument). */
function definedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(join(ROOT, 'libs')), ...sourceFiles(join(ROOT, 'apps'))]) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('prom-client')) continue;
    for (const [, name] of text.matchAll(
      /['"]([a-z][a-z0-9_]*_(?:total|seconds|events|messages|up|requests|caught_up|decisions_total))['"]/g,
    ))
      names.add(name);
    for (const [, name] of text.matchAll(/name:\s*['"]([a-z][a-z0-9_]+)['"]/g)) names.add(name);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'topk',
  'abs',
  'le',
  'humanizeDuration',
  'humanizePercentage',
]);
/** Prometheus' own series (scrape health and the default process metrics) need no definition. */
const SCRAPE_SERIES = new Set(['up']);

/** The metric names a PromQL expression reads (label matchers, functions and variables removed). */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\$[A-Za-z_]+/g, ' ');
  return [...bare.matchAll(/\b([a-z_][a-z0-9_]*)\b/g)]
    .map((m) => m[1])
    .filter((word) => !PROMQL_WORDS.has(word) && !/^\d/.test(word));
}

/** A histogram's series are its name with _bucket, _count or _sum. */
function known(metric: string, defined: Set<string>): boolean {
  if (SCRAPE_SERIES.has(metric) || defined.has(metric)) return true;
  const base = metric.replace(/_(bucket|count|sum)$/, '');
  return base !== metric && defined.has(base);
}

// ---- helpers over rendered objects -------------------------------------------------------------

function selects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  return (
    !!selector &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([key, value]) => labels?.[key] === value)
  );
}

function podTemplates(objects: K8sObject[]): { owner: K8sObject; labels: Labels; containers: Container[] }[] {
  return objects.flatMap((o) => {
    const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    return template?.spec?.containers
      ? [{ owner: o, labels: template.metadata?.labels ?? {}, containers: template.spec.containers }]
      : [];
  });
}

function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`${found.length} ${kind} named ${name}`);
  return found[0];
}

function configOf(objects: K8sObject[]): Record<string, string> {
  const configMaps = objects.filter(
    (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ecom-config-'),
  );
  expect(configMaps).toHaveLength(1);
  return configMaps[0].data ?? {};
}

function ingressRoutes(objects: K8sObject[]) {
  return objects
    .filter((o) => o.kind === 'Ingress')
    .flatMap((ingress) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (ingress.spec.rules as any[]).flatMap((rule) =>
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (rule.http.paths as any[]).map((path) => ({
          ingress,
          host: rule.host as string,
          path: path.path as string,
          pathType: path.pathType as string,
          service: path.backend.service.name as string,
          port: path.backend.service.port as { name?: string; number?: number },
        })),
      ),
    );
}

// ---- the specs -----------------------------------------------------------------------------------

const kubectl = kubectlAvailable();
if (!kubectl) {
  console.warn('kubectl is not installed: the rendered overlays are not checked (k8s/README.md)');
}

describe('vendored Kubernetes, KEDA and Prometheus-operator schemas', () => {
  const { vendored, validatorOf } = schemaValidators();
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          containers: [
            { name: 'x', image: 'registry.example.com/x:1', resources: { limits: { memory: '512Mi' } } },
          ],
        },
      },
    },
  };

  it('come from the npm packages named in the file, one kind per rendered kind', () => {
    expect(vendored.packages.kubernetes).toMatch(/^kubernetes-models@4\./);
    expect(Object.keys(vendored.kinds)).toEqual(
      expect.arrayContaining([
        'apps/v1/Deployment',
        'networking.k8s.io/v1/Ingress',
        'batch/v1/Job',
        'keda.sh/v1alpha1/ScaledObject',
        'monitoring.coreos.com/v1/ServiceMonitor',
        'monitoring.coreos.com/v1/PrometheusRule',
      ]),
    );
  });

  it('accept a well-formed Deployment and refuse a misspelt field, a wrong type and a bad quantity', () => {
    const validate = validatorOf(deployment as K8sObject);
    expect(schemaErrors(validate, deployment)).toEqual([]);
    const typo = structuredClone(deployment);
    Object.assign(typo.spec.template.spec.containers[0], { readinesProbe: { tcpSocket: { port: 80 } } });
    expect(schemaErrors(validate, typo).join('\n')).toContain('readinesProbe');
    const wrongType = structuredClone(deployment);
    Object.assign(wrongType.spec, { replicas: '3' });
    expect(schemaErrors(validate, wrongType).join('\n')).toContain('/spec/replicas');
    const badQuantity = structuredClone(deployment);
    badQuantity.spec.template.spec.containers[0].resources.limits.memory = '512 MB';
    expect(schemaErrors(validate, badQuantity)).not.toEqual([]);
  });

  it('refuse a ScaledObject trigger field KEDA does not know', () => {
    const scaled = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'x' },
      spec: { scaleTargetRef: { name: 'x' }, triggers: [{ type: 'prometheus', metadata: { query: 'up' } }] },
    };
    const validate = validatorOf(scaled as K8sObject);
    expect(schemaErrors(validate, scaled)).toEqual([]);
    const wrong = structuredClone(scaled);
    Object.assign(wrong.spec.triggers[0], { metadatas: {} });
    expect(schemaErrors(validate, wrong)).not.toEqual([]);
  });
});

(kubectl ? describe : describe.skip)('rendered overlays', () => {
  const { validatorOf } = schemaValidators();
  const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(overlay)]));
  const prefixes = contractPrefixes();
  const defined = definedMetrics();

  it('finds the overlays: dev, production and production with PgBouncer', () => {
    expect(OVERLAYS).toEqual(['dev', 'production', 'production-pgbouncer']);
  });

  describe.each(OVERLAYS)('%s', (overlay) => {
    const objects = rendered[overlay];
    const config = configOf(objects);

    it('every object is valid against its kind schema, unknown fields refused', () => {
      const invalid = objects.flatMap((object) =>
        schemaErrors(validatorOf(object), object).map(
          (error) => `${object.kind}/${object.metadata.name}: ${error}`,
        ),
      );
      expect(invalid).toEqual([]);
      expect(objects.length).toBeGreaterThan(40);
    });

    it('the Ingress routes every REST prefix of docs/contract.md section 5 to its service, and nothing else', () => {
      const routes = ingressRoutes(objects);
      const hosts = new Set(routes.map((r) => r.host));
      expect(hosts.size).toBe(1);
      const routed = new Map(routes.map((r) => [r.path, r]));
      expect(routed.size).toBe(routes.length);
      expect([...routed.keys()].sort()).toEqual([...prefixes.keys()].sort());
      for (const [prefix, service] of prefixes) {
        const route = routed.get(prefix)!;
        expect({ prefix, service: route.service, port: route.port, pathType: route.pathType }).toEqual({
          prefix,
          service,
          port: { name: 'http' },
          pathType: 'Prefix',
        });
        const backing = one(objects, 'Service', service);
        expect(backing.spec.ports.map((p: { name: string }) => p.name)).toContain('http');
      }
      // 14 /v1 prefixes and /dashboard: the parse found the whole section
      expect(prefixes.size).toBeGreaterThanOrEqual(15);
    });

    it("the import route alone takes 8 MiB bodies; the rest keeps the services' 1 MB", () => {
      const routes = ingressRoutes(objects);
      const bodyLimit = (path: string) =>
        routes.find((r) => r.path === path)!.ingress.metadata.annotations?.[
          'nginx.ingress.kubernetes.io/proxy-body-size'
        ];
      expect(bodyLimit('/v1/imports')).toBe('8m');
      for (const route of routes.filter((r) => r.path !== '/v1/imports')) {
        expect({ path: route.path, limit: bodyLimit(route.path) }).toEqual({ path: route.path, limit: '1m' });
      }
    });

    it('metrics: on METRICS_PORT, named only by headless <app>-metrics Services that no Ingress reaches', () => {
      const metricsPort = Number(config.METRICS_PORT);
      expect(metricsPort).toBeGreaterThan(0);
      const exposed = new Set(ingressRoutes(objects).map((r) => r.service));
      for (const app of APPS) {
        const container = podTemplates(objects).find(
          (t) => t.owner.kind === 'Deployment' && t.owner.metadata.name === app,
        )!.containers[0];
        const metrics = container.ports?.find((p) => p.name === 'metrics');
        expect(metrics?.containerPort).toBe(metricsPort);
        const deployment = one(objects, 'Deployment', app);
        expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(metricsPort));
        const service = one(objects, 'Service', `${app}-metrics`);
        expect(service.spec.clusterIP).toBe('None');
        expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
        expect(exposed.has(`${app}-metrics`)).toBe(false);
      }
      for (const service of objects.filter((o) => o.kind === 'Service')) {
        const targetsMetrics = service.spec.ports.some(
          (p: { targetPort: string | number; port: number }) =>
            p.targetPort === 'metrics' || p.targetPort === metricsPort || p.port === metricsPort,
        );
        if (exposed.has(service.metadata.name) || ['LoadBalancer', 'NodePort'].includes(service.spec.type)) {
          expect({ service: service.metadata.name, targetsMetrics }).toEqual({
            service: service.metadata.name,
            targetsMetrics: false,
          });
        }
        if (targetsMetrics) expect(service.metadata.name).toMatch(/-metrics$/);
      }
    });

    it('the ServiceMonitor scrapes exactly the metrics Services, on their metrics port', () => {
      const monitor = one(objects, 'ServiceMonitor', 'ecom');
      const scraped = objects.filter(
        (o) => o.kind === 'Service' && selects(monitor.spec.selector.matchLabels, o.metadata.labels),
      );
      expect(scraped.map((s) => s.metadata.name).sort()).toEqual(APPS.map((a) => `${a}-metrics`).sort());
      expect(monitor.spec.endpoints).toEqual([
        expect.objectContaining({ port: 'metrics', path: '/metrics', honorLabels: true }),
      ]);
    });

    it('the apps start without migrating; one migration Job per database runs the compiled migrate.js of the app image', () => {
      expect(config.MIGRATIONS_RUN).toBe('false');
      const jobs = objects.filter((o) => o.kind === 'Job');
      expect(jobs.map((j) => j.metadata.name).sort()).toEqual(MIGRATED.map((a) => `${a}-migrate`).sort());
      const templates = podTemplates(objects);
      for (const app of MIGRATED) {
        const job = templates.find(
          (t) => t.owner.kind === 'Job' && t.owner.metadata.name === `${app}-migrate`,
        )!;
        const appImage = templates.find(
          (t) => t.owner.kind === 'Deployment' && t.owner.metadata.name === app,
        )!.containers[0].image;
        const [container] = job.containers;
        expect(container.image).toBe(appImage);
        expect(container.command).toEqual(['node', `dist/apps/${app}/src/migrate.js`]);
        expect(existsSync(join(ROOT, 'apps', app, 'src', 'migrate.ts'))).toBe(true);
        expect(job.owner.metadata.labels?.['app.kubernetes.io/component']).toBe('migration');
        expect(job.owner.spec.template.spec.restartPolicy).toBe('Never');
        // applied alone before the rollout (kubectl apply -l ...): it reads no generated ConfigMap
        expect(container.envFrom ?? []).toEqual([]);
      }
    });

    it('no Service or PodDisruptionBudget selects the pods of a Job', () => {
      const jobPods = podTemplates(objects).filter((t) => ['Job', 'CronJob'].includes(t.owner.kind));
      expect(jobPods.length).toBe(MIGRATED.length + 1);
      for (const selector of objects.filter((o) => ['Service', 'PodDisruptionBudget'].includes(o.kind))) {
        const labels =
          selector.kind === 'Service' ? selector.spec.selector : selector.spec.selector.matchLabels;
        for (const pod of jobPods) {
          expect({
            selector: selector.metadata.name,
            pod: pod.owner.metadata.name,
            selects: selects(labels, pod.labels),
          }).toEqual({
            selector: selector.metadata.name,
            pod: pod.owner.metadata.name,
            selects: false,
          });
        }
      }
    });

    it('every Deployment has startup, liveness and readiness probes, CPU and memory requests and limits, and a PDB', () => {
      const deployments = podTemplates(objects).filter((t) => t.owner.kind === 'Deployment');
      expect(deployments.length).toBeGreaterThanOrEqual(APPS.length);
      const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
      for (const { owner, labels, containers } of deployments) {
        for (const container of containers) {
          const name = `${owner.metadata.name}/${container.name}`;
          expect({
            name,
            probes: [!!container.startupProbe, !!container.livenessProbe, !!container.readinessProbe],
          }).toEqual({
            name,
            probes: [true, true, true],
          });
          expect({ name, resources: container.resources }).toEqual({
            name,
            resources: {
              requests: { cpu: expect.any(String), memory: expect.any(String) },
              limits: { cpu: expect.any(String), memory: expect.any(String) },
            },
          });
        }
        const covering = budgets.filter((b) => selects(b.spec.selector.matchLabels, labels));
        expect({ deployment: owner.metadata.name, budgets: covering.length }).toEqual({
          deployment: owner.metadata.name,
          budgets: 1,
        });
      }
    });

    it('every image comes from the registry the overlay names, with a tag', () => {
      for (const { owner, containers } of podTemplates(objects)) {
        for (const container of containers) {
          expect({ owner: owner.metadata.name, image: container.image }).toEqual({
            owner: owner.metadata.name,
            image: expect.stringMatching(/^registry\.example\.com\/ecom\/[a-z-]+:[\w.-]+$/),
          });
        }
      }
    });

    it('the projector scales on its own lag metric through Prometheus, never on a consumer group', () => {
      const scaled = one(objects, 'ScaledObject', 'analytics-projector');
      expect(scaled.spec.triggers).toHaveLength(1);
      const [trigger] = scaled.spec.triggers;
      expect(trigger.type).toBe('prometheus');
      expect(trigger.metadata.consumerGroup).toBeUndefined();
      expect(metricsIn(trigger.metadata.query)).toEqual(['analytics_projector_lag_events']);
      expect(defined.has('analytics_projector_lag_events')).toBe(true);
      expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
      expect(trigger.metadata.serverAddress).toMatch(/^https?:\/\/[^/]+:\d+$/);
      expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(Number(config.KAFKA_TOPIC_PARTITIONS));
    });

    it('the rebuild template runs the compiled rebuild.js of the projector image, and never by itself', () => {
      const cron = one(objects, 'CronJob', 'analytics-rebuild');
      expect(cron.spec.suspend).toBe(true);
      const template = podTemplates(objects).find((t) => t.owner === cron)!;
      const projector = podTemplates(objects).find(
        (t) => t.owner.kind === 'Deployment' && t.owner.metadata.name === 'analytics-projector',
      )!;
      expect(template.containers[0].image).toBe(projector.containers[0].image);
      expect(template.containers[0].command).toEqual([
        'node',
        'dist/apps/analytics-projector/src/rebuild.js',
      ]);
      expect(template.containers[0].envFrom?.[0].configMapRef?.name).toBe(
        projector.containers[0].envFrom?.[0].configMapRef?.name,
      );
      // `npm run build` compiles every app source but specs and tests: rebuild.ts is among them
      expect(existsSync(join(ROOT, 'apps/analytics-projector/src/rebuild.ts'))).toBe(true);
      const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'));
      expect(build.include).toContain('apps/*/src/**/*.ts');
      expect(build.compilerOptions.outDir).toBe('dist');
    });

    it('alert rules cover consumer lag, dead letters, 5xx answers and the outbox age, on metrics the apps define', () => {
      const rules = one(objects, 'PrometheusRule', 'ecom')
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        .spec.groups.flatMap((g: any) => g.rules) as { alert: string; expr: string }[];
      const read = rules.flatMap((r) => metricsIn(r.expr));
      for (const metric of read)
        expect({ metric, defined: known(metric, defined) }).toEqual({ metric, defined: true });
      expect(read).toEqual(
        expect.arrayContaining([
          'kafka_consumer_lag_messages',
          'events_dead_lettered_total',
          'http_request_duration_seconds_count',
          'outbox_oldest_event_age_seconds',
        ]),
      );
      expect(rules.some((r) => r.expr.includes('status=~"5.."'))).toBe(true);
    });

    it('the Grafana dashboard is a labelled ConfigMap whose panels query metrics the apps define', () => {
      const configMap = one(objects, 'ConfigMap', 'ecom-grafana-dashboard');
      expect(configMap.metadata.labels?.grafana_dashboard).toBe('1');
      const dashboard = JSON.parse(configMap.data!['ecom-dashboard.json']);
      expect(dashboard.uid).toBe('ecom-operations');
      const exprs = (dashboard.panels as { targets?: { expr: string }[] }[])
        .flatMap((p) => p.targets ?? [])
        .map((t) => t.expr);
      expect(exprs.length).toBeGreaterThanOrEqual(15);
      for (const metric of exprs.flatMap(metricsIn))
        expect({ metric, defined: known(metric, defined) }).toEqual({ metric, defined: true });
    });

    it('the dashboard signs in at members on its own origin: MEMBERS_PUBLIC_URL is the Ingress host, no CORS origin', () => {
      const routes = ingressRoutes(objects);
      const host = routes[0].host;
      const tls = objects.some(
        (o) =>
          o.kind === 'Ingress' && (o.spec.tls ?? []).some((t: { hosts: string[] }) => t.hosts.includes(host)),
      );
      expect(config.MEMBERS_PUBLIC_URL).toBe(`${tls ? 'https' : 'http'}://${host}`);
      expect(routes.find((r) => r.path === '/v1/auth')?.service).toBe('members');
      expect(routes.find((r) => r.path === '/dashboard')?.service).toBe('analytics');
      expect(config.CORS_ORIGINS).toBe('');
    });
  });

  it('production-pgbouncer: the production overlay plus PgBouncer in session mode, its caps inside the written budget', () => {
    const production = rendered['production'];
    const pooled = rendered['production-pgbouncer'];
    const added = pooled.filter(
      (o) => !production.some((p) => p.kind === o.kind && p.metadata.name === o.metadata.name),
    );
    expect(added.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort()).toEqual([
      'ConfigMap/ecom-pgbouncer',
      'Deployment/pgbouncer',
      'PodDisruptionBudget/pgbouncer',
      'Service/pgbouncer',
    ]);
    const ini = added.find((o) => o.kind === 'ConfigMap')!.data!['pgbouncer.ini'];
    expect(ini).toMatch(/^pool_mode = session$/m);
    const caps = [...ini.matchAll(/^(ecom_[a-z]+) = .*max_db_connections=(\d+)/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(caps.map(([db]) => db).sort()).toEqual([
      'ecom_analytics',
      'ecom_catalog',
      'ecom_inventory',
      'ecom_members',
      'ecom_orders',
    ]);
    const replicas = one(pooled, 'Deployment', 'pgbouncer').spec.replicas as number;
    const serverConnections = replicas * caps.reduce((sum, [, cap]) => sum + (cap as number), 0);
    // k8s/README.md, "Database connections": a max_connections of 450 with room for Jobs and admins
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    const maxConnections = Number(
      /max_connections\D{0,20}(\d+)/.exec(readme.slice(readme.indexOf('## Database connections')))?.[1],
    );
    expect(maxConnections).toBe(450);
    expect(serverConnections).toBeLessThanOrEqual(maxConnections - 40);
  });
});

describe('k8s/ files', () => {
  it('every kustomization and component parses and names only files that exist', () => {
    const dirs = [
      'base',
      ...readdirSync(join(K8S, 'overlays')).map((o) => `overlays/${o}`),
      ...readdirSync(join(K8S, 'components')).map((c) => `components/${c}`),
    ];
    for (const dir of dirs) {
      const kustomization = parseYaml(readFileSync(join(K8S, dir, 'kustomization.yaml'), 'utf8'));
      for (const entry of [...(kustomization.resources ?? []), ...(kustomization.components ?? [])]) {
        expect({ dir, entry, exists: existsSync(join(K8S, dir, entry)) }).toEqual({
          dir,
          entry,
          exists: true,
        });
      }
      for (const generator of kustomization.configMapGenerator ?? []) {
        for (const file of generator.files ?? []) {
          const path = join(K8S, dir, String(file).split('=').pop()!);
          expect({ dir, file, exists: existsSync(path) }).toEqual({ dir, file, exists: true });
        }
      }
    }
    expect(relative(ROOT, K8S)).toBe('k8s');
  });
});
