"""meshtui.ui"""
