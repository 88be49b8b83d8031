/**
 * Writes kubernetes-schemas.json beside this file: the JSON schemas of the kinds k8s/ renders, with
 * every schema they refer to, taken from the npm packages of kubernetes-models (Kubernetes 1.27, the
 * newest release line that ships its schemas as JSON rather than compiled validators) and its KEDA
 * and Prometheus-operator packages. Nothing is installed: the packages are fetched with `npm pack`
 * into a temporary folder and their schema modules evaluated with a stand-in for the library they
 * register with. The manifests spec validates every rendered object against the result, offline.
 *
 *   node -r @swc-node/register libs/testing/src/deploy/schemas/vendor-schemas.ts
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import * as tslib from 'tslib';

const PACKAGES = {
  kubernetes: 'kubernetes-models@4.3.1',
  apimachinery: '@kubernetes-models/apimachinery@1.2.2',
  keda: '@kubernetes-models/keda@0.3.2',
  prometheusOperator: '@kubernetes-models/prometheus-operator@4.0.0',
} as const;

/** apiVersion/kind -> the module that registers its schema, relative to its package. */
const KINDS: Record<string, [keyof typeof PACKAGES, string]> = {
  'v1/Namespace': ['kubernetes', '_schemas/IoK8sApiCoreV1Namespace.js'],
  'v1/ConfigMap': ['kubernetes', '_schemas/IoK8sApiCoreV1ConfigMap.js'],
  'v1/Service': ['kubernetes', '_schemas/IoK8sApiCoreV1Service.js'],
  'apps/v1/Deployment': ['kubernetes', '_schemas/IoK8sApiAppsV1Deployment.js'],
  'batch/v1/Job': ['kubernetes', '_schemas/IoK8sApiBatchV1Job.js'],
  'batch/v1/CronJob': ['kubernetes', '_schemas/IoK8sApiBatchV1CronJob.js'],
  'policy/v1/PodDisruptionBudget': ['kubernetes', '_schemas/IoK8sApiPolicyV1PodDisruptionBudget.js'],
  'autoscaling/v2/HorizontalPodAutoscaler': [
    'kubernetes',
    '_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler.js',
  ],
  'networking.k8s.io/v1/Ingress': ['kubernetes', '_schemas/IoK8sApiNetworkingV1Ingress.js'],
  'keda.sh/v1alpha1/ScaledObject': ['keda', 'keda.sh/v1alpha1/ScaledObject.js'],
  'monitoring.coreos.com/v1/ServiceMonitor': [
    'prometheusOperator',
    'monitoring.coreos.com/v1/ServiceMonitor.js',
  ],
  'monitoring.coreos.com/v1/PrometheusRule': [
    'prometheusOperator',
    'monitoring.coreos.com/v1/PrometheusRule.js',
  ],
};

type Schema = Record<string, unknown>;

function fetchPackages(into: string): Record<keyof typeof PACKAGES, string> {
  const folders = {} as Record<keyof typeof PACKAGES, string>;
  for (const [key, spec] of Object.entries(PACKAGES) as [keyof typeof PACKAGES, string][]) {
    const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', into], {
      encoding: 'utf8',
    }).trim();
    const folder = join(into, key);
    execFileSync('mkdir', ['-p', folder]);
    execFileSync('tar', ['xzf', join(into, tarball), '-C', folder]);
    folders[key] = join(folder, 'package');
    process.stderr.write(`[vendor] ${spec}\n`);
  }
  return folders;
}

/** Evaluates the packages' CommonJS schema modules, collecting what they register by id. */
function collector(folders: Record<keyof typeof PACKAGES, string>) {
  const schemas: Record<string, Schema> = {};
  const loaded = new Map<string, Record<string, unknown>>();
  const stubs: Record<string, unknown> = {
    '@kubernetes-models/validate': {
      register: (id: string, schema: Schema) => (schemas[id] ??= schema),
    },
    '@kubernetes-models/base': {
      Model: class {},
      createTypeMetaGuard: () => () => true,
      setSchema: (_model: unknown, _id: string, addSchema: () => void) => addSchema(),
    },
    tslib,
  };
  const load = (path: string): Record<string, unknown> => {
    const known = loaded.get(path);
    if (known) return known;
    const exports: Record<string, unknown> = {};
    loaded.set(path, exports);
    const requireFrom = (request: string) => {
      if (request in stubs) return stubs[request];
      if (request.startsWith('@kubernetes-models/apimachinery/'))
        return load(
          join(folders.apimachinery, request.slice('@kubernetes-models/apimachinery/'.length) + '.js'),
        );
      if (request.startsWith('.'))
        return load(resolve(dirname(path), request.endsWith('.js') ? request : `${request}.js`));
      throw new Error(`${path}: unexpected require("${request}")`);
    };
    new Function('exports', 'require', 'module', readFileSync(path, 'utf8'))(exports, requireFrom, {
      exports,
    });
    return exports;
  };
  return { schemas, load };
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'k8s-schemas-'));
  try {
    const folders = fetchPackages(work);
    const { schemas, load } = collector(folders);
    const kinds: Record<string, string> = {};
    for (const [kind, [pkg, module]] of Object.entries(KINDS)) {
      const before = new Set(Object.keys(schemas));
      const exports = load(join(folders[pkg], module));
      if (typeof exports.addSchema === 'function') (exports.addSchema as () => void)();
      const added = Object.keys(schemas).filter((id) => !before.has(id));
      // the kind's own schema: the one whose apiVersion/kind enums name it
      const [group, version, name] =
        kind.includes('/') && kind.split('/').length === 3 ? kind.split('/') : ['', ...kind.split('/')];
      const apiVersion = group ? `${group}/${version}` : version;
      const id = [...added, ...before].find((candidate) => {
        const properties = (schemas[candidate]?.properties ?? {}) as Record<string, { enum?: string[] }>;
        return properties.kind?.enum?.includes(name) && properties.apiVersion?.enum?.includes(apiVersion);
      });
      if (!id) throw new Error(`no schema registered for ${kind}`);
      kinds[kind] = id;
    }
    const sorted = Object.fromEntries(
      Object.keys(schemas)
        .sort()
        .map((id) => [id, schemas[id]]),
    );
    const out = join(__dirname, 'kubernetes-schemas.json');
    writeFileSync(
      out,
      JSON.stringify({
        $comment:
          'Generated by vendor-schemas.ts beside this file from the npm packages listed; do not edit.',
        packages: PACKAGES,
        kinds,
        schemas: sorted,
      }) + '\n',
    );
    execFileSync('npx', ['prettier', '--write', out], { stdio: 'ignore' });
    process.stderr.write(
      `[vendor] ${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} schemas -> ${out}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
