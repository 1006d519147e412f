{{/* The name of a service's objects: the release name is the service name. */}}
{{- define "slipway-common.name" -}}
{{- .Release.Name -}}
{{- end -}}
