{{- define "secret-sync.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "secret-sync.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "secret-sync.name" .) -}}
{{- end -}}

{{- define "secret-sync.labels" -}}
app.kubernetes.io/name: secret-sync
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: slipway
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "secret-sync.selectorLabels" -}}
app.kubernetes.io/name: secret-sync
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
image.tag as text: a number tag (20240101) reaches helm as a JSON number (float64), which prints as
2.0240101e+07: print it in full (toJson).
*/}}
{{- define "secret-sync.imageTag" -}}
{{- if kindIs "string" .Values.image.tag -}}{{- .Values.image.tag -}}{{- else -}}{{- toJson .Values.image.tag -}}{{- end -}}
{{- end -}}

{{/* The auth mount: explicit, or the method name. */}}
{{- define "secret-sync.authMount" -}}
{{- .Values.vault.auth.mount | default .Values.vault.auth.method -}}
{{- end -}}

{{/* The rules secret-sync needs in each namespace it serves (a ClusterRole's in cluster scope). */}}
{{- define "secret-sync.secretRules" -}}
- apiGroups: ['']
  resources: [secrets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: ['']
  resources: [events]
  verbs: [create]
{{- end -}}

{{/*
Fails on settings that are valid one by one but not together. restartWorkloads patches
Deployments/StatefulSets: only in the namespaces listed, never cluster-wide.
*/}}
{{- define "secret-sync.validate" -}}
{{- if and (eq .Values.rbac.scope "namespaced") (not .Values.namespaces.allow) -}}
{{- fail "rbac.scope namespaced needs namespaces.allow: the namespaces to grant a Role in" -}}
{{- end -}}
{{- if and .Values.restartWorkloads.enabled (not .Values.namespaces.allow) -}}
{{- fail "restartWorkloads.enabled needs namespaces.allow: workloads are patched only in the namespaces listed there, never cluster-wide" -}}
{{- end -}}
{{- end -}}

{{/* The Vault port: networkPolicy.vaultPort, else the port of vault.address, else 443/80 by scheme. */}}
{{- define "secret-sync.vaultPort" -}}
{{- if .Values.networkPolicy.vaultPort -}}
{{- .Values.networkPolicy.vaultPort | int64 -}}
{{- else -}}
{{- $url := urlParse .Values.vault.address -}}
{{- $hostPort := splitList ":" $url.host -}}
{{- if gt (len $hostPort) 1 -}}{{- last $hostPort -}}{{- else if eq $url.scheme "http" -}}80{{- else -}}443{{- end -}}
{{- end -}}
{{- end -}}
