# Image for both roles of the service (ROLE=all|api|worker, default all).
# Three stages: compile with every dependency, install the runtime ones alone, then a slim
# image with only dist/, the runtime node_modules and the data files. Node 24 LTS.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY plugins ./plugins
RUN npm run build

FROM node:24-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No TypeScript, tsx, vitest, eslint or lunar-javascript (tests and scripts only).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PLUGINS_DIR=dist/plugins
# package.json for "type": "module": dist/ is ES modules.
COPY package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY processes ./processes
# Holiday data of the working-time calendar, read at start-up (dist/src/calendar finds ../../../data).
COPY data ./data

# The image's unprivileged user; the copied files stay root-owned, so read-only to it.
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/src/server.js"]
