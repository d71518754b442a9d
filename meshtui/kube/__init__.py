"""meshtui.kube: cluster access (kubeconfig, discovery, lists, watches) for meshtui."""
