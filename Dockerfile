# syntax=docker/dockerfile:1
# The sync server image (src/Host). Three stages:
#   clientapp  Node builds the demo bundle (src/Host/ClientApp -> wwwroot/app.js, app.css)
#   build      the .NET SDK restores and publishes the Host (Release, framework-dependent)
#   runtime    the ASP.NET Core runtime only, as the image's non-root `app` user
# Build:  docker build -t crdtcollab/host:dev .        (docker-compose.yml does this)
# Checked by tests/Integration/Operability/DockerfileTests.cs (there is no Docker engine in CI).

FROM node:22-bookworm-slim AS clientapp
WORKDIR /src/src/Host/ClientApp
COPY src/Host/ClientApp/package.json src/Host/ClientApp/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/Host/ClientApp/ ./
RUN node build.mjs

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the package layer survives source edits.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Directory.Build.props src/
COPY src/Crdt/Crdt.csproj src/Crdt/
COPY src/EventStore/EventStore.csproj src/EventStore/
COPY src/Host/Host.csproj src/Host/
COPY src/Host/ClientApp/ClientApp.targets src/Host/ClientApp/
RUN dotnet restore src/Host/Host.csproj
COPY src/ src/
COPY --from=clientapp /src/src/Host/wwwroot/ src/Host/wwwroot/
# The bundle came from the clientapp stage; this stage has no Node.
RUN dotnet publish src/Host/Host.csproj -c Release -o /app --no-restore -p:SkipClientAppBuild=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listen on every interface inside the container (the server's own default is 127.0.0.1:5000).
ENV CRDTCOLLAB_PORT=8080 \
    DOTNET_NOLOGO=1
ENV ASPNETCORE_URLS=http://+:${CRDTCOLLAB_PORT} \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 8080
# The base image's unprivileged user (uid 1654); nothing here needs root.
USER $APP_UID
# /health/live answers 200 while the process serves requests. bash's /dev/tcp keeps curl out of
# the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${CRDTCOLLAB_PORT} && printf "GET /health/live HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
ENTRYPOINT ["dotnet", "CrdtCollab.Host.dll"]
