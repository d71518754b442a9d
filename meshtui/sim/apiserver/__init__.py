"""meshtui.sim.apiserver"""
