"""Everything specific to Twikit: plugin script versions, origins, and (later) the REST client."""
