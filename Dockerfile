# syntax=docker/dockerfile:1
# kyc-ledger image: `docker compose up --build` (see docker-compose.yml) or `docker build -t kyc-ledger .`

# Production dependencies, installed where a compiler is available: better-sqlite3 is a native module and
# falls back to building from source when no prebuilt binary matches. Same Debian release as the runtime.
FROM node:20-bookworm AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Compile TypeScript and build the web console (dist/console) with the full dependency set.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY console ./console
COPY scripts/console-build.ts scripts/build-console.ts ./scripts/
RUN npm run build

# Runtime: slim image, production dependencies only, unprivileged user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node --from=prod-deps /app/node_modules ./node_modules
COPY --chown=node:node --from=build /app/dist ./dist
COPY --chown=node:node policies ./policies
# Embedded-profile data (when EVENTSTORE_CONNECTION_STRING is not set) lives here; mount a volume to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
