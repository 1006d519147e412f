import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { baseImageRef, presetDockerfile, type BuildPreset } from './presets.js';

const registry = { host: 'registry.local:5000', project: 'shop' };
const dockerfile = (preset: BuildPreset, files: string[]) =>
  presetDockerfile({ preset, registry, files: new Set(files) });
/** The instructions in order, without the generated-by comment. */
const steps = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

describe('build presets', () => {
  it('names the base images <registry>/<project>/base-<name>:<version>', () => {
    expect(baseImageRef(registry, 'java')).toBe('registry.local:5000/shop/base-java:1');
  });

  it('maven: pom.xml and go-offline on the ~/.m2 cache mount before the sources, the jar on base-java', () => {
    expect(steps(dockerfile('maven', ['pom.xml', 'src']))).toEqual([
      'FROM registry.local:5000/shop/base-maven:1 AS build',
      'WORKDIR /src',
      'COPY pom.xml ./',
      'RUN --mount=type=cache,target=/root/.m2,sharing=locked mvn -B -q dependency:go-offline && cp -a /root/.m2/repository /opt/m2',
      'COPY src ./src',
      'RUN --mount=type=cache,target=/root/.m2,sharing=locked mkdir -p /root/.m2/repository && cp -an /opt/m2/. /root/.m2/repository/ && mvn -B -q -DskipTests package && cp target/*.jar /app.jar',
      'FROM registry.local:5000/shop/base-java:1',
      'COPY --from=build /app.jar /home/app/app.jar',
      'CMD ["java", "-jar", "/home/app/app.jar"]',
    ]);
  });

  it('node: npm ci with a lock file, npm install without, on the npm cache mount, before the sources', () => {
    const locked = steps(dockerfile('node', ['package.json', 'package-lock.json', 'server.js']));
    expect(locked.slice(2, 5)).toEqual([
      'COPY package.json package-lock.json ./',
      'RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev --no-audit --no-fund',
      'COPY . .',
    ]);
    expect(locked.at(-3)).toBe('FROM registry.local:5000/shop/base-node:1');
    expect(dockerfile('node', ['package.json'])).toContain(
      'COPY package.json ./\nRUN --mount=type=cache,target=/root/.npm,sharing=locked npm install ',
    );
  });

  it('go: go.mod (and go.sum) and the module download first, a static binary on base-go-static', () => {
    const s = steps(dockerfile('go', ['go.mod', 'go.sum', 'main.go']));
    expect(s.indexOf('COPY go.mod go.sum ./')).toBeLessThan(s.indexOf('COPY . .'));
    expect(s).toContain(
      'RUN --mount=type=cache,target=/root/go/pkg/mod,sharing=locked GOMODCACHE=/root/go/pkg/mod go mod download && cp -a /root/go/pkg/mod /opt/gomod',
    );
    expect(s.at(-3)).toBe('FROM registry.local:5000/shop/base-go-static:1');
    expect(dockerfile('go', ['go.mod'])).toContain('COPY go.mod ./\n');
  });

  it('python: requirements into a venv on the pip cache mount, then the sources; runs app.py or main.py', () => {
    const s = steps(dockerfile('python', ['requirements.txt', 'main.py']));
    expect(s.slice(0, 6)).toEqual([
      'FROM registry.local:5000/shop/base-python:1 AS build',
      'USER root',
      'WORKDIR /src',
      'COPY requirements.txt ./',
      'RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked python3 -m venv /home/app/venv && /home/app/venv/bin/pip install --disable-pip-version-check -r requirements.txt',
      'COPY . .',
    ]);
    expect(s.at(-1)).toBe('CMD ["python3", "main.py"]');
    expect(dockerfile('python', ['app.py'])).toContain(
      'RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked python3 -m venv /home/app/venv\n',
    );
  });

  it('gradle: the wrapper and build files first, dependencies on the ~/.gradle cache mount', () => {
    const s = steps(dockerfile('gradle', ['gradlew', 'gradle', 'build.gradle.kts', 'settings.gradle.kts', 'src']));
    expect(s.slice(2, 6)).toEqual([
      'COPY gradlew settings.gradle.kts build.gradle.kts ./',
      'COPY gradle ./gradle',
      'RUN --mount=type=cache,target=/root/.gradle,sharing=locked ./gradlew --no-daemon -q dependencies && cp -a /root/.gradle /opt/gradle',
      'COPY . .',
    ]);
  });

  it('a missing manifest is one input error naming the file and the fix', () => {
    expect(() => dockerfile('maven', ['build.gradle'])).toThrow(InputError);
    expect(() => dockerfile('maven', [])).toThrow(
      'build.preset maven needs pom.xml at the top of the build context (the project to package); add it, or give the service a Dockerfile of its own',
    );
    expect(() => dockerfile('gradle', ['build.gradle'])).toThrow(/needs gradlew/);
    expect(() => dockerfile('python', ['requirements.txt'])).toThrow(/needs app.py/);
  });
});
