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

{{/* The auth mount: explicit, or the method name. */}}
{{- define "secret-sync.authMount" -}}
{{- .Values.vault.auth.mount | default .Values.vault.auth.method -}}
{{- end -}}
