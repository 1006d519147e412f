{{/*
Names and labels come from the slipway-common library chart (charts/slipway-common, vendored in
charts/ here): the release name is the service name; a canary release renders <name>-canary objects.
*/}}

{{/* "canary" for a canary release, else "stable": the pods' version label and Istio subset. */}}
{{- define "workload.track" -}}
{{- if .Values.canary.enabled -}}canary{{- else -}}stable{{- end -}}
{{- end -}}

{{- define "workload.fullname" -}}
{{- include "slipway-common.name" . -}}{{- if .Values.canary.enabled -}}-canary{{- end -}}
{{- end -}}

{{- define "workload.configName" -}}
{{- include "workload.fullname" . -}}-config
{{- end -}}

{{/*
The image of this release. A canary takes canary.image.repository/tag, each falling back to
image.repository/tag. Fails when either ends up empty: there is no sensible default image.
*/}}
{{- define "workload.imageRepository" -}}
{{- $repo := .Values.image.repository | default "" | toString -}}
{{- if .Values.canary.enabled -}}{{- $repo = get (.Values.canary.image | default dict) "repository" | default $repo | toString -}}{{- end -}}
{{- if not $repo -}}
{{- fail (printf "image.repository is empty%s: set it to the image to deploy, e.g. registry.local/team/service" (ternary " (and so is canary.image.repository)" "" (.Values.canary.enabled | default false))) -}}
{{- end -}}
{{- $repo -}}
{{- end -}}

{{- define "workload.imageTag" -}}
{{- $tag := .Values.image.tag | default "" | toString -}}
{{- if .Values.canary.enabled -}}{{- $tag = get (.Values.canary.image | default dict) "tag" | default $tag | toString -}}{{- end -}}
{{- if not $tag -}}
{{- fail (printf "image.tag is empty%s: set it to the tag of the image to deploy, e.g. 1.4.2" (ternary " (and so is canary.image.tag)" "" (.Values.canary.enabled | default false))) -}}
{{- end -}}
{{- $tag -}}
{{- end -}}

{{/*
repository:tag, or repository:tag@digest when image.digest is set (pinned: a re-pushed tag cannot
change what runs). A canary takes canary.image.digest only: the stable digest belongs to another tag.
*/}}
{{- define "workload.imageDigest" -}}
{{- $digest := .Values.image.digest | default "" | toString -}}
{{- if .Values.canary.enabled -}}{{- $digest = get (.Values.canary.image | default dict) "digest" | default "" | toString -}}{{- end -}}
{{- if and $digest (not (regexMatch "^sha256:[0-9a-f]{64}$" $digest)) -}}
{{- fail (printf "image digest %q is not sha256:<64 hex digits>: use the Docker-Content-Digest the registry reports" $digest) -}}
{{- end -}}
{{- $digest -}}
{{- end -}}

{{- define "workload.image" -}}
{{- include "workload.imageRepository" . -}}:{{- include "workload.imageTag" . -}}
{{- with include "workload.imageDigest" . -}}@{{ . }}{{- end -}}
{{- end -}}

{{/* Labels on every object (slipway-common.labels); app.kubernetes.io/version is the image tag. */}}
{{- define "workload.labels" -}}
{{- include "slipway-common.labels" (dict "context" . "version" (include "workload.imageTag" .)) -}}
{{- end -}}

{{/* Selector of this release's pods: stable and canary pods never select each other. */}}
{{- define "workload.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slipway-common.name" . }}
version: {{ include "workload.track" . }}
{{- end -}}

{{/* Pod labels: the selector labels and instance (which podLabels cannot override) plus podLabels. */}}
{{- define "workload.podLabels" -}}
{{- $pod := dict
  "app.kubernetes.io/name" (include "slipway-common.name" .)
  "app.kubernetes.io/instance" .Release.Name
  "version" (include "workload.track" .) -}}
{{- toYaml (merge $pod (.Values.podLabels | default dict)) -}}
{{- end -}}

{{/*
A size (tmp.sizeLimit, persistence.size) as a quoted quantity. Values reach helm as JSON numbers
(float64), which print as 1e+06: a number is printed in full (toJson), a string as it is.
*/}}
{{- define "workload.quantity" -}}
{{- if kindIs "string" . -}}{{- quote . -}}{{- else -}}{{- toJson . | quote -}}{{- end -}}
{{- end -}}

{{/* An httpGet probe on healthCheckPath; call with the root context. */}}
{{- define "workload.probe" -}}
httpGet:
  path: {{ get .Values "healthCheckPath" | quote }}
  port: {{ .Values.service.portName }}
initialDelaySeconds: {{ .Values.probes.initialDelaySeconds | int64 }}
periodSeconds: {{ .Values.probes.periodSeconds | int64 }}
failureThreshold: {{ .Values.probes.failureThreshold | int64 }}
{{- end -}}

{{/* Fails on values that are valid one by one but not together. */}}
{{- define "workload.validate" -}}
{{- if not (has .Values.kind (list "Deployment" "StatefulSet")) -}}
{{- fail (printf "kind must be Deployment or StatefulSet, not %v" .Values.kind) -}}
{{- end -}}
{{- if and .Values.persistence.enabled (ne .Values.kind "StatefulSet") -}}
{{- fail "persistence.enabled needs kind: StatefulSet (a Deployment has no volume claim templates)" -}}
{{- end -}}
{{- range $name, $_ := .Values.secretEnv -}}
{{- if hasKey $.Values.env $name -}}
{{- fail (printf "%s is set in both env and secretEnv: keep one" $name) -}}
{{- end -}}
{{- end -}}
{{- range $i, $m := .Values.secretMounts -}}
{{- if or (not $m.secret) (not (hasPrefix "/" ($m.mountPath | default ""))) -}}
{{- fail (printf "secretMounts[%d] needs secret (a Secret name) and mountPath (an absolute path)" $i) -}}
{{- end -}}
{{- end -}}
{{- if .Values.autoscaling.enabled -}}
{{- if gt (int64 .Values.autoscaling.minReplicas) (int64 .Values.autoscaling.maxReplicas) -}}
{{- fail (printf "autoscaling.minReplicas (%d) is above autoscaling.maxReplicas (%d)" (int64 .Values.autoscaling.minReplicas) (int64 .Values.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- if not (dig "requests" "cpu" "" (.Values.resources | default dict)) -}}
{{- fail "autoscaling.enabled scales on CPU utilization, which needs resources.requests.cpu: set it" -}}
{{- end -}}
{{- end -}}
{{- end -}}
