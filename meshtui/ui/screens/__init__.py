"""meshtui.ui.screens"""
