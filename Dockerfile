# Drover worker image: Node.js 24 (LTS), tmux, git, and the pinned agent CLIs from package.json
# (@anthropic-ai/claude-code, @openai/codex, @google/gemini-cli are regular dependencies).
FROM node:24-bookworm-slim

# tmux: agent windows; git: clones and worktrees; procps: `ps` (process checks); ca-certificates
# and openssh-client: git over https/ssh.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tmux git procps ca-certificates openssh-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only (esbuild, via tsx, compiles the sources below; the workflow bundle is built at start).
# package.json's allowScripts lists the dependencies whose install scripts npm 11 may run (claude's
# puts its native binary in place); node-pty's and keytar's native builds fail here without a
# compiler and npm drops those optional packages (gemini loads them only if present).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY scenarios ./scenarios
COPY tsconfig.json ./
# Compile the sources once while node_modules is still writable (bin/compiled-src.mjs); the
# unprivileged user below could not write that cache and would run through tsx (more memory).
RUN node bin/drover.mjs --version

# State (clones, worktrees, per-task agent homes, logs) lives on a volume; the worker runs
# unprivileged (the agent CLIs refuse some modes as root).
ENV NODE_ENV=production \
    DROVER_HOME=/var/lib/drover \
    DROVER_WORKSPACE=/var/lib/drover/workspace
RUN mkdir -p /var/lib/drover/workspace && chown -R node:node /var/lib/drover
VOLUME /var/lib/drover
USER node

# bin/drover execs node on bin/drover.mjs with the worker's memory settings (docs/scale.md item 11)
ENTRYPOINT ["bin/drover"]
CMD ["worker"]
