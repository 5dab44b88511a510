"""Official administrative regions (Kemendagri codes): reference data for everything else."""
