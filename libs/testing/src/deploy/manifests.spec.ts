import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICES } from '@ecom/platform';

/**
 * Static checks of the deployment files: k8s/ (kustomize base and overlays), docker-compose.yml,
 * Dockerfile and .dockerignore. Every YAML file must parse; the ports must be those of docs/contract.md
 * section 1; every app must be probed, scaled and protected the way docs/contract.md section 7 describes.
 * When kubectl is installed, both overlays are also rendered with `kubectl kustomize`.
 */

const ROOT = join(__dirname, '..', '..', '..', '..');
const K8S = join(ROOT, 'k8s');

/** docs/contract.md section 1: HTTP and gRPC ports of every app (the projector's HTTP is health and metrics). */
const DESIGN_PORTS: Record<string, { http: number; grpc?: number }> = {
  catalog: { http: 3001, grpc: 50051 },
  orders: { http: 3002, grpc: 50052 },
  inventory: { http: 3003, grpc: 50053 },
  members: { http: 3004, grpc: 50054 },
  analytics: { http: 3005 },
  'analytics-projector': { http: 3006 },
};
const APPS = Object.keys(DESIGN_PORTS);
const HTTP_SERVICES = APPS.filter((app) => app !== 'analytics-projector');
const DATABASE_PREFIX: Record<string, string> = {
  catalog: 'CATALOG',
  orders: 'ORDERS',
  inventory: 'INVENTORY',
  members: 'MEMBERS',
  analytics: 'ANALYTICS',
  'analytics-projector': 'ANALYTICS',
};

type Labels = Record<string, string>;
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels };
  spec?: unknown;
  data?: Record<string, string>;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Labels; limits?: Labels };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Labels };
  template: {
    metadata: { labels: Labels };
    spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean; runAsUser?: number } };
  };
}
interface ServiceSpec {
  selector: Labels;
  ports: { name: string; port: number; targetPort: string | number }[];
}
interface PdbSpec {
  minAvailable?: number | string;
  selector: { matchLabels: Labels };
}
interface HpaSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  metrics: {
    type: string;
    resource?: { name: string; target: { type: string; averageUtilization?: number } };
  }[];
}
interface ScaledObjectSpec {
  scaleTargetRef: { name: string; kind?: string };
  minReplicaCount?: number;
  maxReplicaCount: number;
  triggers: { type: string; metadata: Record<string, string> }[];
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; patch?: string; target?: { kind?: string } }[];
  configMapGenerator?: { name: string; behavior?: string; literals?: string[] }[];
  labels?: { pairs: Labels }[];
  commonLabels?: Labels;
}
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every document of a YAML file, failing with the file and the parser's message on a syntax error. */
function readDocuments(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${relative(ROOT, path)}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}

function readKustomization(dir: string): Kustomization {
  return parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

/** The objects of the base, read from the files its kustomization.yaml lists. */
function baseObjects(): K8sObject[] {
  const base = join(K8S, 'base');
  return (readKustomization(base).resources ?? []).flatMap((resource) =>
    readDocuments(join(base, resource)).filter((doc): doc is K8sObject => doc !== null),
  );
}

function find<T>(objects: K8sObject[], kind: string, name: string): T & { object: K8sObject } {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind} named ${name}`);
  return Object.assign({}, object.spec as T, { object });
}

function literals(generator: { literals?: string[] } | undefined): Record<string, string> {
  return Object.fromEntries(
    (generator?.literals ?? []).map((literal) => {
      const at = literal.indexOf('=');
      return [literal.slice(0, at), literal.slice(at + 1)];
    }),
  );
}

/** The container port a probe or Service targetPort names (by number or by port name). */
function resolvePort(container: Container, port: string | number): number | undefined {
  if (typeof port === 'number')
    return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe('deployment manifests', () => {
  describe('YAML', () => {
    const files = [...yamlFilesUnder(K8S), join(ROOT, 'docker-compose.yml')];

    it('finds the kustomize base, both overlays and docker-compose.yml', () => {
      const names = files.map((f) => relative(ROOT, f));
      expect(names).toEqual(
        expect.arrayContaining([
          'k8s/base/kustomization.yaml',
          'k8s/overlays/dev/kustomization.yaml',
          'k8s/overlays/production/kustomization.yaml',
          'docker-compose.yml',
        ]),
      );
    });

    it.each(files.map((f) => [relative(ROOT, f), f]))('%s parses', (_name, path) => {
      const docs = readDocuments(path);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) expect(doc).toEqual(expect.any(Object));
    });
  });

  describe('kustomizations', () => {
    const dirs = yamlFilesUnder(K8S)
      .filter((f) => f.endsWith('kustomization.yaml'))
      .map((f) => dirname(f));

    it.each(dirs.map((d) => [relative(ROOT, d), d]))(
      '%s lists only resources and patches that exist',
      (_n, dir) => {
        const kustomization = readKustomization(dir);
        expect(kustomization.resources?.length).toBeGreaterThan(0);
        for (const resource of kustomization.resources ?? []) {
          const path = join(dir, resource);
          expect({ resource, exists: existsSync(path) }).toEqual({ resource, exists: true });
          if (statSync(path).isDirectory()) expect(existsSync(join(path, 'kustomization.yaml'))).toBe(true);
        }
        for (const patch of kustomization.patches ?? []) {
          if (patch.path) expect(existsSync(join(dir, patch.path))).toBe(true);
          else expect(patch.patch).toEqual(expect.any(String));
        }
      },
    );

    it('the base puts everything in namespace ecom, labels it, and lists every YAML file beside it', () => {
      const base = readKustomization(join(K8S, 'base'));
      expect(base.namespace).toBe('ecom');
      expect(base.labels?.some((l) => l.pairs['app.kubernetes.io/part-of'] === 'ecom')).toBe(true);
      const objects = baseObjects();
      expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('ecom');
      const beside = readdirSync(join(K8S, 'base')).filter(
        (n) => /\.ya?ml$/.test(n) && n !== 'kustomization.yaml',
      );
      expect([...(base.resources ?? [])].sort()).toEqual(beside.sort());
    });

    it('the overlays build on the base', () => {
      for (const overlay of ['dev', 'production']) {
        expect(readKustomization(join(K8S, 'overlays', overlay)).resources).toContain('../../base');
      }
    });

    it('no Secret is committed (they are created with kubectl, k8s/README.md)', () => {
      const all = yamlFilesUnder(K8S).flatMap((f) => readDocuments(f)) as K8sObject[];
      expect(all.filter((o) => o?.kind === 'Secret')).toEqual([]);
    });
  });

  describe('the service descriptors agree with docs/contract.md section 1', () => {
    it.each(Object.values(SERVICES).map((s) => [s.name, s]))('%s', (name, service) => {
      const design = DESIGN_PORTS[name];
      expect(design).toBeDefined();
      expect(service.httpPort).toBe(design.http);
      expect('grpc' in service ? service.grpc.port : undefined).toBe(design.grpc);
      expect(service.envPrefix).toBe(DATABASE_PREFIX[name]);
    });
  });

  describe.each(APPS)('k8s base: %s', (app) => {
    const objects = baseObjects();
    const ports = DESIGN_PORTS[app];
    const deployment = find<DeploymentSpec>(objects, 'Deployment', app);
    const container = deployment.template.spec.containers[0];
    const service = find<ServiceSpec>(objects, 'Service', app);

    it('has a Deployment whose container listens on the docs/contract.md ports', () => {
      expect(deployment.template.spec.containers).toHaveLength(1);
      expect(container.image).toBe(`ecom/${app}`);
      expect(resolvePort(container, 'http')).toBe(ports.http);
      expect(resolvePort(container, 'grpc')).toBe(ports.grpc);
      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
      expect(env.HTTP_PORT).toBe(String(ports.http));
      expect(env.GRPC_PORT).toBe(ports.grpc === undefined ? undefined : String(ports.grpc));
      expect(selects(deployment.selector.matchLabels, deployment.template.metadata.labels)).toBe(true);
    });

    it('has a Service exposing the same ports and selecting the pods', () => {
      expect(selects(service.selector, deployment.template.metadata.labels)).toBe(true);
      const http = service.ports.find((p) => p.name === 'http');
      expect(http?.port).toBe(ports.http);
      expect(resolvePort(container, http?.targetPort ?? -1)).toBe(ports.http);
      const grpc = service.ports.find((p) => p.name === 'grpc');
      expect(grpc?.port).toBe(ports.grpc);
      if (ports.grpc) expect(resolvePort(container, grpc?.targetPort ?? -1)).toBe(ports.grpc);
      expect(service.ports).toHaveLength(ports.grpc ? 2 : 1);
    });

    it('probes /health/live and /health/ready on the HTTP port the Service exposes', () => {
      const servicePort = service.ports.find((p) => p.name === 'http')!;
      const exposed = resolvePort(container, servicePort.targetPort);
      for (const [probe, path] of [
        [container.livenessProbe, '/health/live'],
        [container.readinessProbe, '/health/ready'],
        [container.startupProbe, '/health/live'],
      ] as const) {
        expect(probe?.httpGet?.path).toBe(path);
        expect(resolvePort(container, probe?.httpGet?.port ?? -1)).toBe(exposed);
      }
    });

    it('reads the shared ConfigMap, its database and the JWT keys from Secrets', () => {
      expect(container.envFrom?.map((e) => e.configMapRef?.name)).toContain('ecom-config');
      const env = new Map((container.env ?? []).map((e) => [e.name, e]));
      expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('ecom-database');
      expect(env.get(`${DATABASE_PREFIX[app]}_DATABASE_URL`)?.valueFrom?.secretKeyRef).toMatchObject({
        name: 'ecom-database',
        optional: true,
      });
      expect(env.get('JWT_PUBLIC_KEY')?.valueFrom?.secretKeyRef?.name).toBe('ecom-jwt');
      // only members holds the signing key
      expect(env.has('JWT_PRIVATE_KEY')).toBe(app === 'members');
      expect(env.has('ADMIN_PASSWORD')).toBe(app === 'members');
    });

    it('runs as non-root on a read-only root filesystem, with requests and limits', () => {
      expect(deployment.template.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(deployment.template.spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    });

    it('leaves the replica count to its autoscaler', () => {
      expect(deployment.replicas).toBeUndefined();
    });

    it('has a PodDisruptionBudget keeping one pod', () => {
      const pdb = find<PdbSpec>(objects, 'PodDisruptionBudget', app);
      expect(pdb.object.apiVersion).toBe('policy/v1');
      expect(pdb.minAvailable).toBe(1);
      expect(selects(pdb.selector.matchLabels, deployment.template.metadata.labels)).toBe(true);
    });

    if (HTTP_SERVICES.includes(app)) {
      it('has an autoscaling/v2 HPA on CPU 70 %, 2 to 20 replicas', () => {
        const hpa = find<HpaSpec>(objects, 'HorizontalPodAutoscaler', app);
        expect(hpa.object.apiVersion).toBe('autoscaling/v2');
        expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
        expect(hpa.minReplicas).toBe(2);
        expect(hpa.maxReplicas).toBe(20);
        expect(hpa.metrics).toEqual([
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ]);
      });
    } else {
      it('scales with a KEDA ScaledObject on its own lag metric, at most one replica per partition', () => {
        expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === app)).toBe(
          false,
        );
        const scaled = find<ScaledObjectSpec>(objects, 'ScaledObject', app);
        expect(scaled.object.apiVersion).toBe('keda.sh/v1alpha1');
        expect(scaled.scaleTargetRef.name).toBe(app);
        const config = literals(
          readKustomization(join(K8S, 'base')).configMapGenerator?.find((g) => g.name === 'ecom-config'),
        );
        const partitions = Number(config.KAFKA_TOPIC_PARTITIONS);
        expect(partitions).toBe(6);
        expect(scaled.maxReplicaCount).toBeLessThanOrEqual(partitions);
        expect(scaled.minReplicaCount).toBeGreaterThanOrEqual(1);
        // a rebuild changes the consumer group's name, not the metric's (overlays.spec.ts checks the query)
        const [trigger] = scaled.triggers;
        expect(trigger.type).toBe('prometheus');
        expect(trigger.metadata.query).toContain('analytics_projector_lag_events');
        expect(trigger.metadata.consumerGroup).toBeUndefined();
        expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
      });
    }
  });

  const kubectl = kubectlAvailable();
  (kubectl ? describe : describe.skip)('rendered overlays (kubectl kustomize)', () => {
    const render = (overlay: string): K8sObject[] =>
      parseAllDocuments(
        execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8' }),
      )
        .map((d) => d.toJS() as K8sObject)
        .filter(Boolean);
    const overlays = { dev: render('dev'), production: render('production') };

    it.each(Object.keys(overlays))(
      '%s: every app, all in namespace ecom, config wired to the generated ConfigMap',
      (name) => {
        const objects = overlays[name as keyof typeof overlays];
        for (const object of objects) {
          if (object.kind !== 'Namespace')
            expect(`${object.kind}/${object.metadata.name}:${object.metadata.namespace}`).toMatch(/:ecom$/);
          expect(object.metadata.labels?.['app.kubernetes.io/part-of']).toBe('ecom');
        }
        const configMap = objects.find(
          (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ecom-config'),
        )!;
        for (const app of APPS) {
          const deployment = find<DeploymentSpec>(objects, 'Deployment', app);
          expect(deployment.template.spec.containers[0].envFrom?.[0].configMapRef?.name).toBe(
            configMap.metadata.name,
          );
          expect(deployment.template.spec.containers[0].image).toMatch(
            new RegExp(`^registry\\.example\\.com/ecom/${app}:.+`),
          );
        }
        const scaled = find<ScaledObjectSpec>(objects, 'ScaledObject', 'analytics-projector');
        expect(scaled.maxReplicaCount).toBeLessThanOrEqual(Number(configMap.data?.KAFKA_TOPIC_PARTITIONS));
      },
    );

    it('dev runs one replica at rest with smaller pods', () => {
      for (const app of HTTP_SERVICES)
        expect(find<HpaSpec>(overlays.dev, 'HorizontalPodAutoscaler', app).minReplicas).toBe(1);
      expect(
        find<ScaledObjectSpec>(overlays.dev, 'ScaledObject', 'analytics-projector').minReplicaCount,
      ).toBe(1);
      expect(
        find<DeploymentSpec>(overlays.dev, 'Deployment', 'catalog').template.spec.containers[0].resources
          ?.limits?.memory,
      ).toBe('384Mi');
    });

    it('production raises the replica floor, the sales-peak ceiling and the limits', () => {
      for (const app of HTTP_SERVICES) {
        const hpa = find<HpaSpec>(overlays.production, 'HorizontalPodAutoscaler', app);
        expect(hpa.minReplicas).toBeGreaterThan(2);
        expect(hpa.maxReplicas).toBeGreaterThan(20);
      }
      expect(
        find<DeploymentSpec>(overlays.production, 'Deployment', 'orders').template.spec.containers[0]
          .resources?.limits,
      ).toEqual({
        cpu: '2',
        memory: '1Gi',
      });
    });
  });

  describe('docker-compose.yml', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, ComposeService>;
      volumes: Record<string, unknown>;
    };

    it('has the six apps, PostgreSQL 16, Redis 7 and Kafka 3.9.1, each infrastructure service with a healthcheck', () => {
      expect(Object.keys(compose.services).sort()).toEqual([...APPS, 'kafka', 'postgres', 'redis'].sort());
      expect(compose.services.postgres.image).toBe('postgres:16');
      expect(compose.services.redis.image).toBe('redis:7');
      expect(compose.services.kafka.image).toBe('apache/kafka:3.9.1');
      for (const name of ['postgres', 'redis', 'kafka'])
        expect(compose.services[name].healthcheck?.test).toBeDefined();
    });

    it.each(APPS)(
      '%s: built from the Dockerfile with APP, on its docs/contract.md ports, after healthy infrastructure',
      (app) => {
        const service = compose.services[app];
        const ports = DESIGN_PORTS[app];
        expect(service.build).toEqual({ context: '.', args: { APP: app } });
        expect(service.environment?.HTTP_PORT).toBe(String(ports.http));
        expect(service.environment?.GRPC_PORT).toBe(
          ports.grpc === undefined ? undefined : String(ports.grpc),
        );
        expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
        expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
        expect(service.environment?.KAFKA_BROKERS).toBe('kafka:9092');
        const published = [ports.http, ports.grpc].filter(Boolean).map((p) => `${p}:${p}`);
        expect(service.ports).toEqual(published);
        expect(service.depends_on).toEqual({
          postgres: { condition: 'service_healthy' },
          redis: { condition: 'service_healthy' },
          kafka: { condition: 'service_healthy' },
        });
        expect(JSON.stringify(service.healthcheck?.test)).toContain('/health/ready');
        // one dev key pair shared by every app (the fallback of libs/auth when no key is configured)
        expect(service.volumes).toContain('jwt-keys:/app/.keys');
      },
    );

    it('declares the volumes it mounts', () => {
      expect(Object.keys(compose.volumes)).toEqual(
        expect.arrayContaining(['jwt-keys', 'postgres-data', 'kafka-data']),
      );
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));

    it('runs on the Node that package.json "engines" asks for: the image, the scripts and this test run', () => {
      const engines = (
        JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
      ).engines.node;
      expect(engines).toBe('>=22.12');
      const pinned = readFileSync(join(ROOT, 'scripts/lib/project-node.sh'), 'utf8').match(
        /^PROJECT_NODE_VERSION=(\d+)\.(\d+)\.\d+$/m,
      );
      expect(pinned).not.toBeNull();
      expect(Number(pinned?.[1])).toBe(22);
      expect(Number(pinned?.[2])).toBeGreaterThanOrEqual(12);
      const [major, minor] = process.versions.node.split('.').map(Number);
      expect(major > 22 || (major === 22 && minor >= 12)).toBe(true);
    });

    it('builds on node:22-bookworm-slim (Node 22 LTS) in stages and runs the app chosen by ARG APP as a non-root user', () => {
      expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
      expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
      expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
      expect(dockerfile).toMatch(/npm ci\b/);
      expect(dockerfile).toMatch(/npm run build/);
      expect(dockerfile).toMatch(/npm prune --omit=dev/);
      expect(dockerfile).toMatch(/^ARG APP$/m);
      expect(dockerfile).toContain('dist/apps/${APP}/src/main.js');
      const user = dockerfile.match(/^USER (\S+)$/m)?.[1];
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
    });

    it('copies the proto files the gRPC services read at runtime', () => {
      expect(dockerfile).toMatch(
        /^COPY --from=build \/app\/libs\/contracts\/proto \.\/libs\/contracts\/proto$/m,
      );
      expect(existsSync(join(ROOT, 'libs/contracts/proto'))).toBe(true);
    });

    it('.dockerignore keeps local builds, modules and keys out but not the sources', () => {
      expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.keys', '.git']));
      for (const needed of ['apps', 'libs', 'package.json', 'package-lock.json', 'tsconfig.base.json']) {
        expect(dockerignore).not.toContain(needed);
      }
    });
  });
});
