# syntax=docker/dockerfile:1
# Ratatouille catalog server. Untested on the development machines (no Docker engine there); the compose file and the
# server command are checked by test/compose.test.ts instead. See docs/docker-compose.md.

# --- build stage: production dependencies, native modules compiled against this image's Node and libc -------------
FROM node:20-bookworm AS deps
WORKDIR /app
# Manifests first so the dependency layer is cached until a package.json or the lock file changes.
COPY package.json package-lock.json ./
COPY iceberg/package.json iceberg/
COPY catalog-client/package.json catalog-client/
COPY catalog-server/package.json catalog-server/
COPY git-sync/package.json git-sync/
COPY engine/package.json engine/
COPY hooks/package.json hooks/
COPY ui/package.json ui/
COPY cli/package.json cli/
COPY test/package.json test/
COPY bench/package.json bench/
# No install scripts from the registry except the two native modules that need them (git hooks make no sense here).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild \
 && rm -rf /root/.npm

# --- UI stage: the web UI's static files (Vite build of ui/), served by the server at / ------------------------------
FROM deps AS ui
COPY iceberg/ iceberg/
COPY catalog-client/ catalog-client/
COPY ui/ ui/
RUN npm install --no-save --ignore-scripts --no-audit --no-fund --include=dev --workspace ui \
 && npm run build --workspace ui

# --- runtime stage: slim Node, the CLI's bundle built from the sources, unprivileged user ---------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    RAT_HOST=0.0.0.0 \
    RAT_PORT=8181 \
    RAT_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY iceberg/ iceberg/
COPY catalog-client/ catalog-client/
COPY catalog-server/ catalog-server/
COPY git-sync/ git-sync/
COPY engine/ engine/
COPY hooks/ hooks/
COPY cli/ cli/
COPY --from=ui /app/ui/dist ui/dist
# The bundle cli/bin/rat.js runs while the sources are unchanged (cli/scripts/bundle.ts; esbuild is installed with
# tsx): the server starts in ~0.7 s instead of ~2-3 s compiling every source through tsx at each start.
RUN node --import tsx cli/scripts/bundle.ts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8181
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RAT_PORT||8181)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "cli/bin/rat.js"]
CMD ["serve"]
