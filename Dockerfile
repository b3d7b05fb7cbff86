# The service's image: one image, two commands (API: node dist/src/server.js; worker:
# node dist/src/worker.js). Built by docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config config
COPY jobs jobs
COPY src src
COPY tools tools
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
USER node
EXPOSE 3000
# Exec form: node gets SIGTERM itself (compose adds an init as PID 1, see init: true).
CMD ["node", "dist/src/server.js"]
