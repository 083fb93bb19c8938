# Image for both roles of the service (ROLE=all|api|worker, default all).
FROM node:20-slim

WORKDIR /app

# Dependencies first, so editing the source reuses this layer. A full `npm ci`, not
# --omit=dev: the service runs its TypeScript through tsx, without a build step.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY plugins ./plugins
COPY processes ./processes
# Holiday data of the working-time calendar, read at start-up.
COPY data ./data

# Set after `npm ci`, which would otherwise skip devDependencies.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

# The image's unprivileged user; the copied files stay root-owned, so read-only to it.
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/server.ts"]
