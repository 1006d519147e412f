{{/* The release name is the service name. */}}
{{- define "routing.name" -}}
{{- .Release.Name -}}
{{- end -}}

{{/* The Service's cluster-local FQDN: the DestinationRule host and route destinations. */}}
{{- define "routing.host" -}}
{{- include "routing.name" . -}}.{{- .Release.Namespace -}}.svc.cluster.local
{{- end -}}

{{- define "routing.gatewayName" -}}
{{- include "routing.name" . -}}-gateway
{{- end -}}

{{/*
Labels on every object: the standard ones (which .Values.labels cannot override) plus
.Values.labels. app.kubernetes.io/version is image.tag when the values carry it.
*/}}
{{- define "routing.labels" -}}
{{- $std := dict
  "app.kubernetes.io/name" (include "routing.name" .)
  "app.kubernetes.io/instance" .Release.Name
  "app.kubernetes.io/managed-by" "slipway"
  "app.kubernetes.io/part-of" "slipway" -}}
{{- $tag := get (get .Values "image" | default dict) "tag" | toString | trunc 63 | trimAll "-_." -}}
{{- if $tag -}}{{- $_ := set $std "app.kubernetes.io/version" $tag -}}{{- end -}}
{{- toYaml (merge $std (.Values.labels | default dict)) -}}
{{- end -}}

{{/* The canary's share of traffic in percent: canary.weight for a canary release, else 0. */}}
{{- define "routing.canaryWeight" -}}
{{- if .Values.canary.enabled -}}
{{- $w := .Values.canary.weight -}}
{{- $number := or (kindIs "float64" $w) (kindIs "int64" $w) (kindIs "int" $w) -}}
{{- if or (not $number) (ne (float64 $w) (float64 (int $w))) (lt (int $w) 0) (gt (int $w) 100) -}}
{{- fail (printf "canary.weight must be a whole number from 0 to 100, not %v" $w) -}}
{{- end -}}
{{- int $w -}}
{{- else -}}0{{- end -}}
{{- end -}}

{{/* timeout and retries of every HTTP route; call with the root context. */}}
{{- define "routing.routePolicy" -}}
{{- with get .Values.routing "timeout" }}
timeout: {{ . | quote }}
{{- end }}
{{- with get .Values.routing "retries" }}
retries:
  attempts: {{ .attempts | int64 }}
  {{- with get . "perTryTimeout" }}
  perTryTimeout: {{ . | quote }}
  {{- end }}
{{- end }}
{{- end -}}
