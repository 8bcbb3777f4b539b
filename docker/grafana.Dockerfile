# Grafana with both PrivateCloud plugins built from this repository's sources:
#   frontend  Node stage: webpack builds both plugins' module.js + assets into their dist/
#   backend   Go stage: the data source backend binary for the target architecture
#   final     the pinned Grafana image with both dist/ folders as plugins
# Build context: the repository root (see docker-compose.yml).
ARG GRAFANA_VERSION=13.1.1
ARG NODE_VERSION=22
ARG GO_VERSION=1.26

FROM node:${NODE_VERSION}-bookworm AS frontend
WORKDIR /src
# npm workspaces: `npm ci` needs the lock file and every workspace's package.json.
COPY package.json package-lock.json ./
COPY simulator/package.json simulator/
COPY datasource-plugin/package.json datasource-plugin/
COPY app-plugin/package.json app-plugin/
COPY alert-relay/package.json alert-relay/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund -w datasource-plugin -w app-plugin
COPY tsconfig.json .prettierrc.json ./
COPY datasource-plugin/ datasource-plugin/
COPY app-plugin/ app-plugin/
# The app ships the suite dashboards (plugin.json includes), copied from provisioning at build time.
COPY provisioning/dashboards/ provisioning/dashboards/
RUN npm run build:frontend -w datasource-plugin && npm run build -w app-plugin

FROM golang:${GO_VERSION}-bookworm AS backend
ARG TARGETOS=linux
ARG TARGETARCH=amd64
WORKDIR /src/datasource-plugin
COPY datasource-plugin/go.mod datasource-plugin/go.sum ./
RUN go mod download
COPY datasource-plugin/pkg/ pkg/
# Grafana runs <executable>_<os>_<arch> from plugin.json ("gpx_vsphere"); static, as the SDK's
# mage build does, so it runs on Grafana's Alpine/Ubuntu images alike.
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -tags arrow_json_stdlib -o /out/gpx_vsphere_${TARGETOS}_${TARGETARCH} ./pkg

FROM grafana/grafana:${GRAFANA_VERSION}
COPY --from=frontend --chown=472:0 /src/datasource-plugin/dist/ /var/lib/grafana/plugins/privatecloud-vsphere-datasource/
COPY --from=backend --chown=472:0 /out/ /var/lib/grafana/plugins/privatecloud-vsphere-datasource/
COPY --from=frontend --chown=472:0 /src/app-plugin/dist/ /var/lib/grafana/plugins/privatecloud-vsphere-app/
