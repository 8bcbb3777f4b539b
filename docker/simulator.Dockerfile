# The vCenter REST + vROps Suite API simulator (what a new user sees by default).
# Build context: the repository root.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
COPY simulator/package.json simulator/
COPY datasource-plugin/package.json datasource-plugin/
COPY app-plugin/package.json app-plugin/
COPY alert-relay/package.json alert-relay/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund -w simulator
COPY simulator/ simulator/
RUN npm run build -w simulator

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/simulator/package.json simulator/
COPY --from=build /src/simulator/dist/ simulator/dist/
USER node
EXPOSE 8989
# Listens on every interface inside the container; the port is published by compose.
CMD ["node", "simulator/dist/cli.js", "--host", "0.0.0.0", "--port", "8989"]
