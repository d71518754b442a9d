"""meshtui.metrics"""
