"""Traffic control in the dashboard: pending weights, confirmations, writes and revert watching."""
