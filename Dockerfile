# syntax=docker/dockerfile:1
#
# One image recipe for every app of the monorepo; the app is chosen at build time:
#
#   docker build --build-arg APP=catalog -t ecom/catalog .
#
# APP is one of: catalog, orders, inventory, members, analytics, analytics-projector.
# The build stage does not read APP, so BuildKit builds the workspace once and every app's image
# reuses that layer; only the small runtime stage differs per app.

# Node 22 LTS, as package.json "engines" requires (>=22.12; the development scripts install the same
# Node 22 where the machine's is older). It can move on (node:24-bookworm-slim) with
# --build-arg NODE_IMAGE=...
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: install everything, compile the whole workspace, drop dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
# postinstall applies patches/ (a fix of kafkajs 2.2.4 that otherwise spins a 1 ms timer per connection)
COPY patches ./patches
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
# `npm run build` is tsc + tsc-alias: dist/apps/<app>/src/main.js with relative requires into dist/libs,
# then vite: the analytics dashboard page in dist/apps/analytics/dashboard (served from there at /dashboard).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies, the compiled app and libs, the proto files ----
FROM ${NODE_IMAGE} AS runtime
ARG APP
RUN test -n "${APP}" || { echo 'build with --build-arg APP=<catalog|orders|inventory|members|analytics|analytics-projector>' >&2; exit 1; }
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
# Code and dependencies stay owned by root: the app user can read them but not change them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
# For analytics this holds the built dashboard page too (dist/apps/analytics/dashboard).
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}
# Read at runtime: the gRPC services load libs/contracts/proto/<service>/v1/<service>.proto, found by
# walking up from dist/libs/contracts/src/proto to /app.
COPY --from=build /app/libs/contracts/proto ./libs/contracts/proto
# .keys is where a service makes (or finds) the dev JWT key pair when JWT_PUBLIC_KEY / JWT_PRIVATE_KEY
# are not set. It is owned by the app user so that a volume mounted there (docker-compose) is too.
RUN test -f "dist/apps/${APP}/src/main.js" \
 && { [ "${APP}" != analytics ] || test -f dist/apps/analytics/dashboard/index.html; } \
 && mkdir -p .keys \
 && chown 1000:1000 .keys

# The node user of the official image, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3001 3002 3003 3004 3005 3006 50051 50052 50053 50054
# exec: node becomes PID 1 and gets SIGTERM directly (NestJS shutdown hooks close consumers and pools).
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
