# The alert relay (Grafana webhook -> e-mail to registered users), SQLite or PostgreSQL.
# Build context: the repository root. Three stages: build (all dependencies, compiles TypeScript),
# deps (production dependencies only: `npm ci --omit=dev`), and the runtime image, which gets the
# compiled relay and the production node_modules, nothing else (no TypeScript, Jest, ESLint, ...).
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm AS manifests
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
COPY simulator/package.json simulator/
COPY datasource-plugin/package.json datasource-plugin/
COPY app-plugin/package.json app-plugin/
COPY alert-relay/package.json alert-relay/
COPY e2e/package.json e2e/

FROM manifests AS build
# better-sqlite3 is native: the full bookworm image has the compilers if no prebuilt binary fits.
RUN npm ci --no-audit --no-fund -w alert-relay
COPY alert-relay/ alert-relay/
RUN npm run build -w alert-relay

FROM manifests AS deps
RUN npm ci --omit=dev --no-audit --no-fund -w alert-relay

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /src/node_modules/ node_modules/
COPY --from=build /src/alert-relay/package.json alert-relay/
COPY --from=build /src/alert-relay/dist/ alert-relay/dist/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3100
CMD ["node", "alert-relay/dist/main.js"]
