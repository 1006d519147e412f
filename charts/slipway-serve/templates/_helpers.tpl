{{- define "slipway-serve.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "slipway-serve.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "slipway-serve.name" .) -}}
{{- end -}}

{{- define "slipway-serve.labels" -}}
app.kubernetes.io/name: slipway-serve
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: slipway
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "slipway-serve.selectorLabels" -}}
app.kubernetes.io/name: slipway-serve
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* image.tag as text: a number tag reaches helm as a float64; print it in full (toJson). */}}
{{- define "slipway-serve.imageTag" -}}
{{- if kindIs "string" .Values.image.tag -}}{{- .Values.image.tag -}}{{- else -}}{{- toJson .Values.image.tag -}}{{- end -}}
{{- end -}}

{{/* Settings the server cannot start without, each refused with what to set. */}}
{{- define "slipway-serve.validate" -}}
{{- if not .Values.deployNamespaces -}}
{{- fail "deployNamespaces is empty: list the namespaces of the services this server deploys (each gets a Role)" -}}
{{- end -}}
{{- if not .Values.users.secretName -}}
{{- fail "users.secretName is empty: name a Secret in the release namespace holding the users file (name:bcrypt-hash a line)" -}}
{{- end -}}
{{- if not .Values.catalog.volume -}}
{{- fail "catalog.volume is empty: give the volume holding the catalog checkout, e.g. persistentVolumeClaim: {claimName: catalog}" -}}
{{- end -}}
{{- end -}}

{{/*
What a deploy does in a service's namespace, verb by verb (packages/clients/src/kube): server-side
apply (get; patch, and create for a new object) and prune (list, delete) of the workload and routing charts' kinds; the deploy
Lease; release records (Secrets) and values approvals (ConfigMaps) replaced in place; the rollout
watch of the workload, its ReplicaSets, Pods and warning Events.
*/}}
{{- define "slipway-serve.deployRules" -}}
- apiGroups: ['']
  resources: [serviceaccounts, services]
  verbs: [get, list, create, patch, delete]
- apiGroups: ['']
  resources: [configmaps]
  verbs: [get, list, create, update, patch, delete]
- apiGroups: ['']
  resources: [secrets]
  verbs: [list, create, update, delete]
- apiGroups: ['']
  resources: [pods, events]
  verbs: [list, watch]
- apiGroups: [apps]
  resources: [deployments, statefulsets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [list, watch]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, create, patch, delete]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, create, patch, delete]
- apiGroups: [networking.istio.io]
  resources: [destinationrules, gateways, virtualservices]
  verbs: [get, list, create, patch, delete]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update, delete]
{{- end -}}
