# scopegate: Node 24 LTS runs the TypeScript sources directly (type stripping), so the
# image needs the production dependencies and src/, nothing built.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production \
    KEYS_DIR=/keys \
    CONFIG_DIR=/app/config
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY config ./config
USER node
EXPOSE 3000 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.AUTH_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["start", "--role", "all"]
