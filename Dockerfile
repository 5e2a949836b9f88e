# Build stage: the fat jar, from the sources alone.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY sql sql
COPY conf conf
RUN mvn -B -q package -DskipTests

# Run stage: a JRE and the jar, as an unprivileged user.
FROM eclipse-temurin:17-jre
RUN groupadd --system taskforge && useradd --system --gid taskforge --home-dir /var/lib/taskforge taskforge \
    && mkdir -p /var/lib/taskforge/data /opt/taskforge/conf && chown -R taskforge:taskforge /var/lib/taskforge \
    && apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/taskforge.jar /opt/taskforge/taskforge.jar
COPY conf/taskforge.json /opt/taskforge/conf/taskforge.json
WORKDIR /opt/taskforge
USER taskforge
# Point TASKFORGE_DATABASE_URL at your PostgreSQL; without it the server runs its embedded
# PostgreSQL under TASKFORGE_DATA_DIR (mount a volume there to keep the data).
ENV TASKFORGE_HTTP_PORT=8080 \
    TASKFORGE_DATA_DIR=/var/lib/taskforge/data
VOLUME ["/var/lib/taskforge/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${TASKFORGE_HTTP_PORT}/health/live" || exit 1
# The parallel collector: on two cores it left the server 9-12 % more requests a second than G1
# (docs/benchmarks.md); its pauses are short young collections of request garbage.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseParallelGC", "-jar", "/opt/taskforge/taskforge.jar"]
CMD ["serve"]
