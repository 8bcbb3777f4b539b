# Grafana with both PrivateCloud plugins, installed from the release packages the way users install
# them (grafana cli --pluginUrl <zip>):
#   package  Node + Go: `node scripts/package.mjs` builds both front ends, the data source backend
#            with the SDK's standard build (Magefile.go) and writes build/packages/*.zip
#   final    the pinned Grafana image; grafana cli installs both zips into its plugins folder
# Build context: the repository root (see docker-compose.yml).
# PACKAGE_ARGS: extra options for scripts/package.mjs; the default builds every platform's
# backend, exactly the zip a release ships; "--host" builds only the build machine's (faster).
ARG GRAFANA_VERSION=13.1.1
ARG NODE_VERSION=22
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS go

FROM node:${NODE_VERSION}-bookworm AS package
COPY --from=go /usr/local/go /usr/local/go
ENV GOPATH=/go PATH=/usr/local/go/bin:/go/bin:$PATH
WORKDIR /src
# npm workspaces: `npm ci` needs the lock file and every workspace's package.json; the root's own
# dev dependencies (zip writer, levitate, sign-plugin) are used by the package script.
COPY package.json package-lock.json ./
COPY simulator/package.json simulator/
COPY datasource-plugin/package.json datasource-plugin/
COPY app-plugin/package.json app-plugin/
COPY alert-relay/package.json alert-relay/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund --include-workspace-root -w datasource-plugin -w app-plugin
COPY datasource-plugin/go.mod datasource-plugin/go.sum datasource-plugin/
RUN cd datasource-plugin && go mod download
COPY tsconfig.json .prettierrc.json ./
COPY scripts/package.mjs scripts/package-layout.mjs scripts/package-compat.mjs scripts/
COPY datasource-plugin/ datasource-plugin/
COPY app-plugin/ app-plugin/
# The app ships the suite dashboards (plugin.json includes), copied from provisioning at build time.
COPY provisioning/dashboards/ provisioning/dashboards/
ARG PACKAGE_ARGS=""
# Unsigned: the image never sees a signing token; docker-compose.yml allows these two plugin ids
# unsigned (GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS). The levitate check runs in CI, not here.
RUN node scripts/package.mjs --no-compat ${PACKAGE_ARGS} && ls -l build/packages

FROM grafana/grafana:${GRAFANA_VERSION}
COPY --from=package /src/build/packages/ /tmp/plugin-packages/
# The data source first, then the app. The app declares the data source as a dependency, and after
# extracting the app grafana cli looks that dependency up on grafana.com, which fails without
# network or for a plugin not in the catalog; the data source is installed by then, so the checks
# after each install (plugin.json in place) decide, not that lookup's exit code.
USER root
RUN set -e; \
    for id in privatecloud-vsphere-datasource privatecloud-vsphere-app; do \
      zip=$(ls /tmp/plugin-packages/${id}-*.zip); \
      grafana cli --pluginsDir /var/lib/grafana/plugins --pluginUrl "$zip" plugins install "$id" \
        || test -f "/var/lib/grafana/plugins/${id}/plugin.json"; \
      test -f "/var/lib/grafana/plugins/${id}/plugin.json"; \
    done; \
    chown -R 472:0 /var/lib/grafana/plugins; \
    rm -rf /tmp/plugin-packages
USER 472
