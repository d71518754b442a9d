"""meshtui.sim"""
