"""The floor plan: scene, hall items that paint their booths, the view."""
