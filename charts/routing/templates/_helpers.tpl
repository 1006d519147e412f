{{/* Names and labels come from the slipway-common library chart (charts/slipway-common, vendored in charts/ here). */}}

{{/* The Service's cluster-local FQDN: the DestinationRule host and route destinations. */}}
{{- define "routing.host" -}}
{{- include "slipway-common.name" . -}}.{{- .Release.Namespace -}}.svc.cluster.local
{{- end -}}

{{- define "routing.gatewayName" -}}
{{- include "slipway-common.name" . -}}-gateway
{{- end -}}

{{/* Labels on every object (slipway-common.labels); app.kubernetes.io/version is image.tag when the values carry one. */}}
{{- define "routing.labels" -}}
{{- $args := dict "context" . -}}
{{- with include "slipway-common.labelValue" (get (get .Values "image" | default dict) "tag") -}}
{{- $_ := set $args "version" . -}}
{{- end -}}
{{- include "slipway-common.labels" $args -}}
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
