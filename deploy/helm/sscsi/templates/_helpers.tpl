{{/* Labels on every object: the ones deploy/manifests uses, Helm's, and commonLabels. */}}
{{- define "sscsi.labels" -}}
app.kubernetes.io/name: sscsi
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The labels of the host's pods: the AKS add-on's check selects app=secrets-store-csi-driver. */}}
{{- define "sscsi.hostLabels" -}}
app: secrets-store-csi-driver
app.kubernetes.io/component: host
{{ include "sscsi.labels" . }}
{{- end }}

{{/* repository@digest, else repository:tag (tag default: $default). */}}
{{- define "sscsi.image" -}}
{{- $image := index . 0 -}}
{{- if $image.digest -}}
{{ $image.repository }}@{{ $image.digest }}
{{- else -}}
{{ $image.repository }}:{{ $image.tag | default (index . 1) }}
{{- end -}}
{{- end }}

{{/* The port of a HOST:PORT or :PORT address. */}}
{{- define "sscsi.port" -}}
{{- $port := regexFind "[0-9]+$" . -}}
{{- if not $port -}}
{{- fail (printf "address %q has no port (expected HOST:PORT or :PORT)" .) -}}
{{- end -}}
{{ $port }}
{{- end }}

{{/* Where the plugin configuration ConfigMap is mounted. */}}
{{- define "sscsi.pluginConfigDir" -}}/etc/sscsi/plugins{{- end }}
