"""meshtui.kube"""
