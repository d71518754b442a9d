"""meshtui.ui.widgets"""
