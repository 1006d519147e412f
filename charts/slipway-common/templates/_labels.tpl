{{/* A value cut to a valid label value: at most 63 characters, no leading or trailing "-_.". */}}
{{- define "slipway-common.labelValue" -}}
{{- . | toString | trunc 63 | trimAll "-_." -}}
{{- end -}}

{{/*
Labels on every object of a service: the standard ones (which .Values.labels cannot override) plus
.Values.labels. Call with (dict "context" $ "version" v): app.kubernetes.io/version is v cut to a
label value; without a "version" key the label is left out.
*/}}
{{- define "slipway-common.labels" -}}
{{- $ctx := .context -}}
{{- $std := dict
  "app.kubernetes.io/name" (include "slipway-common.name" $ctx)
  "app.kubernetes.io/instance" $ctx.Release.Name
  "app.kubernetes.io/managed-by" "slipway"
  "app.kubernetes.io/part-of" "slipway" -}}
{{- if hasKey . "version" -}}
{{- $_ := set $std "app.kubernetes.io/version" (include "slipway-common.labelValue" .version) -}}
{{- end -}}
{{- toYaml (merge $std ($ctx.Values.labels | default dict)) -}}
{{- end -}}
